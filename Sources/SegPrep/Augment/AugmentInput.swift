import Dispatch
import Foundation
import SegFiles
import SegCore
import SegImage

/// One pair to augment: its name key and files.
public struct AugmentInput: Sendable {
    public let key: String
    public let image: String
    public let label: String
}
