/// Whose definitions the distance family reproduces (`--distance-convention`):
/// the surface, the percentile rule, the ASSD rule and the empty-mask
/// results of one reference library, together.
public enum DistanceConvention: String, Sendable, Codable, CaseIterable {
    /// MONAI 1.6 `HausdorffDistanceMetric`, `SurfaceDistanceMetric(symmetric=True)`,
    /// `SurfaceDiceMetric`: HD95 = the larger directed percentile; one empty
    /// mask → HD, ASSD inf, HD95 NaN, NSD 0; both empty → NaN.
    case monai
    /// MedPy 0.5.2 `hd`, `hd95`, `assd`, `asd`: HD95 = percentile of both
    /// directions pooled; an empty mask raises (undefined here).
    case medpy
    /// Metrics Reloaded `BinaryPairwiseMeasures`: HD95 = the larger directed
    /// percentile; both empty → distances 0, NSD 1; one empty → distances NaN.
    case metricsreloaded

    /// The library and version in prose.
    public var reference: String {
        switch self {
        case .monai: return "MONAI 1.6"
        case .medpy: return "MedPy 0.5.2"
        case .metricsreloaded: return "Metrics Reloaded (cb38dfc)"
        }
    }
}
