import Foundation
import SegCore

/// Output formats of `segeval`.
public enum EvalFormat: String, Sendable, CaseIterable {
    case table, json, csv, markdown
}
