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
    public let description: String
    public init(_ description: String) { self.description = description }
    /// `usage`: the plan contradicts itself.
    public var category: FailureCategory { .usage }
}
