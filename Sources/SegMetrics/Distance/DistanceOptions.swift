/// The settings of the distance family (`--distance-convention`,
/// `--hd-percentile`, `--nsd-tolerance`, `--spacing`, `--empty-distance`,
/// `--biou`, `--biou-width`). Part of ``EvalConfig``, so that only states
/// computed alike merge.
public struct DistanceOptions: Sendable, Equatable, Codable {
    public var convention = DistanceConvention.monai
    /// The percentile of `HD95` (the key stays `HD95`).
    public var percentile = 95.0
    /// NSD's tolerance τ in spacing units.
    public var nsdTolerance = 1.0
    public var spacing = Spacing.unit
    public var emptyDistance = EmptyDistance.library
    public var boundaryIoU = BoundaryIoUDefinition.metricsreloaded
    /// Metrics Reloaded's band width, in pixels.
    public var boundaryIoUWidth = 1.0

    /// MONAI's convention, HD95, τ = 1, unit pixels, the library's empty-mask values, Metrics Reloaded's band of width 1.
    public init() {}
}
