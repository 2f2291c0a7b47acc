/// Which salient-object metrics to compute and with which conventions.
public struct SalientOptions: Sendable, Equatable, Codable {
    public var mae = true
    public var fMeasure = true
    public var sMeasure = true
    public var eMeasure = true
    public var weightedF = true
    /// β² of the F-measure (PySODMetrics' `beta`, 0.3).
    public var beta2 = 0.3
    /// α of the S-measure.
    public var alpha = 0.5
    /// β of the weighted F-measure as PySODMetrics names it (used as β²; 1).
    public var weightedBeta = 1.0
    /// Applied to the F-measures and the weighted F-measure of images
    /// without foreground (PySODMetrics: `.zero`). S and E keep their own
    /// definitions for that case unless the convention is `.skip`.
    public var emptyGT = EmptyGTConvention.zero
    /// How maxF and meanF are taken from the per-image curves.
    public var fCurve = FCurveConvention.meanF

    public init() {}

    /// True when anything at all is requested.
    public var any: Bool { mae || fMeasure || sMeasure || eMeasure || weightedF }
}
