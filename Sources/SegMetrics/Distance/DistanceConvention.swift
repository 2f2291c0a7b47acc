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
    /// Google DeepMind `surface-distance` (`1f805ce`): surface elements on
    /// the half-pixel grid weighted by their contour length, length-weighted
    /// percentiles (nearest rank), `ASSD` = `MASD` = the mean of the two
    /// directed weighted means, NSD = its surface Dice; one mask empty → HD,
    /// HD95 inf, NSD 0; both empty → HD, HD95 inf, the means and NSD NaN.
    case deepmind

    /// The library and version in prose.
    public var reference: String {
        switch self {
        case .monai: return "MONAI 1.6"
        case .medpy: return "MedPy 0.5.2"
        case .metricsreloaded: return "Metrics Reloaded (cb38dfc)"
        case .deepmind: return "DeepMind surface-distance (1f805ce)"
        }
    }
}
