import Dispatch
import Foundation
import SegFiles
import SegCore
import SegImage

/// Which flip each copy gets.
public enum FlipChoice: Sendable, Equatable {
    case fixed(Flip)
    /// One of none, h, v, hv, uniformly, per copy (the tutorial's codes −1, 0, 1 and "2 = no flip").
    case random
}
