/// Image-averaged curves by threshold 0…255 (`--curves`, `--plot`); an
/// array is empty when its group was not computed.
public struct ThresholdCurves: Sendable {
    /// Precision, recall and F-measure (F follows `--f-curve`).
    public var precision: [Double] = [], recall: [Double] = [], f: [Double] = []
    /// The E-measure.
    public var e: [Double] = []
    /// The threshold where the F curve peaks.
    public var maxFThreshold: Int?

    /// No curves.
    public init() {}

    /// True when no curve was computed.
    public var isEmpty: Bool { f.isEmpty && e.isEmpty }
}
