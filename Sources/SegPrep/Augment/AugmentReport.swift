import Dispatch
import Foundation
import SegFiles
import SegCore
import SegImage

/// The outcome of an augment run.
public struct AugmentReport: Sendable {
    /// Written image/label pairs, relative to the output folder, in input order.
    public let written: [(image: String, label: String)]
    public let inputs: Int
    /// Mean displacement magnitude over all elastic copies (pixels).
    public let meanDisplacement: Double?
}
