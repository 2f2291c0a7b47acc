import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import SegCore
import SegFiles
import SegImage

/// A problem with the plan as a whole (detected before any file is read).
public struct RemapPlanError: CategorizedError, Sendable {
    /// What contradicts what; its settings are spelled when it is printed.
    public let problem: Message
    public init(_ problem: Message) { self.problem = problem }
    public var description: String { problem.description }
    /// `usage`: the plan contradicts itself.
    public var category: FailureCategory { .usage }
}
