/// The distances between the surfaces of a prediction and a ground truth
/// (``ClassMask/erosionSurface()``, as sorted pixel lists): from every surface pixel of one mask to
/// the nearest surface pixel of the other, in spacing units, as MONAI's
/// `get_surface_distance`, MedPy's `__surface_distances` and Metrics
/// Reloaded's `border_distance` compute them.
public struct SurfaceDistances: Sendable {
    /// Prediction surface → ground-truth surface, one per prediction surface pixel (row-major order).
    public let predToGT: [Double]
    /// Ground-truth surface → prediction surface.
    public let gtToPred: [Double]

    /// Both directions between two surfaces given as sorted pixel lists; a
    /// direction whose target is empty holds +inf for each source pixel.
    public init(predSurface: [Int32], gtSurface: [Int32], width: Int, height: Int, spacing: Spacing) {
        self.init(predSurface: PackedMask(pixels: predSurface, width: width, height: height),
                  gtSurface: PackedMask(pixels: gtSurface, width: width, height: height), spacing: spacing)
    }

    /// Both directions between two surfaces given as packed masks of one size.
    init(predSurface: PackedMask, gtSurface: PackedMask, spacing: Spacing) {
        predToGT = EuclideanDistanceTransform(features: gtSurface, spacing: spacing).distances(at: predSurface)
        gtToPred = EuclideanDistanceTransform(features: predSurface, spacing: spacing).distances(at: gtSurface)
    }

    /// Metrics Reloaded's distances when one surface is empty: SciPy's
    /// `distance_transform_edt` of a map with no zero measures from a virtual
    /// point at row −1, column −1, so its NSD counts the other surface's
    /// pixels near the top-left corner. Reproduced for that convention only.
    static func virtualCornerDistances(of surface: [Int32], width: Int, spacing: Spacing) -> [Double] {
        surface.map { index in
            let i = Int(index)
            let dy = Double(i / width + 1) * spacing.row, dx = Double(i % width + 1) * spacing.column
            return (dy * dy + dx * dx).squareRoot()
        }
    }
}
