import Foundation

/// How one side's objects are read (`--gt-instances`, `--pred-instances`).
public enum InstanceReading: String, Sendable, Codable, CaseIterable {
    /// 16-bit maps are label maps; 8-bit files are masks or probability maps, read as components.
    case auto
    /// Every distinct non-zero value is one object.
    case labels
    /// Objects are the connected components of the foreground (the binary reading, as the confusion family's).
    case components
}

/// Whose panoptic quality (`--pq-convention`): stardist's (IoU ≥ τ, the
/// default) or HoVer-Net's (IoU > τ, SQ over TP + 10⁻⁶, the dataset value a
/// mean over images).
public enum PQConvention: String, Sendable, Codable, CaseIterable {
    case stardist, hovernet
}

/// The instance families' settings. Part of ``EvalConfig``, so that only
/// states computed alike merge.
public struct InstanceOptions: Sendable, Equatable, Codable {
    /// The IoU thresholds τ, as given (they name the keys: `F1@0.5`).
    public var iouThresholds = ["0.5", "0.75", "0.9"]
    public var gtInstances = InstanceReading.auto
    public var predInstances = InstanceReading.auto
    /// Which neighbours join pixels into one component (4, as Fiji's ISBI scripts).
    public var connectivity = Connectivity.four
    public var pqConvention = PQConvention.stardist
    /// Images without GT objects (`--empty-gt match=…`); nil: stardist's rule
    /// (every ratio 0 without a true positive; AJI undefined when both maps are empty).
    public var emptyGT: EmptyGTConvention?

    /// stardist's thresholds 0.5, 0.75, 0.9, both sides auto, 4-connected components, stardist's PQ.
    public init() {}

    /// The thresholds as numbers (each in (0, 1], checked when parsed).
    public var thresholds: [Double] { iouThresholds.map { Double($0) ?? .nan } }

    /// Parses `--iou-thresholds 0.5,0.75`: numbers in (0, 1], kept as written.
    public static func parseThresholds(_ text: String) throws -> [String] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        for p in parts {
            guard let v = Double(p), v > 0, v <= 1 else {
                throw EvalError(.usage, "IoU threshold '\(p)' is not a number in (0, 1]")
            }
        }
        guard Set(parts).count == parts.count else { throw EvalError(.usage, "IoU thresholds '\(text)' repeat a value") }
        return parts
    }
}
