/// One bound of `--fail-under` or `--fail-over`: `mIoU=0.80`.
public struct GateBound: Sendable, Equatable {
    /// The column name (`mIoU`, `IoU_1`), checked against the run's metrics
    /// by ``QualityGate/validate(names:)``.
    public let metric: String
    /// The bound (finite).
    public let bound: Double

    /// A bound on `metric`.
    public init(metric: String, bound: Double) {
        self.metric = metric
        self.bound = bound
    }
}
