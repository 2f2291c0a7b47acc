/// The distances between the surfaces of a prediction and a ground truth
/// (``BinarySurface/erosionEdges(_:width:height:)``): from every surface
/// pixel of one mask to the nearest surface pixel of the other, in spacing
/// units, as MONAI's `get_surface_distance`, MedPy's `__surface_distances`
/// and Metrics Reloaded's `border_distance` compute them.
public struct SurfaceDistances: Sendable {
    /// Prediction surface → ground-truth surface, one per prediction surface pixel (row-major order).
    public let predToGT: [Double]
    /// Ground-truth surface → prediction surface.
    public let gtToPred: [Double]
    /// Surface pixel counts (0 for an empty mask).
    public let predSurface: Int, gtSurface: Int

    /// Computes both directions; a direction whose target is empty holds no
    /// distances (its source pixels have nothing to be near).
    public init(prediction: [UInt8], gt: [UInt8], width: Int, height: Int, spacing: Spacing) {
        let predEdges = BinarySurface.erosionEdges(prediction, width: width, height: height)
        let gtEdges = BinarySurface.erosionEdges(gt, width: width, height: height)
        predSurface = predEdges.reduce(0) { $0 + Int($1) }
        gtSurface = gtEdges.reduce(0) { $0 + Int($1) }
        let toGT = EuclideanDistanceTransform.distances(features: gtEdges, width: width, height: height, spacing: spacing)
        let toPred = EuclideanDistanceTransform.distances(features: predEdges, width: width, height: height, spacing: spacing)
        predToGT = toGT.map { d in predEdges.indices.filter { predEdges[$0] != 0 }.map { d[$0] } } ?? []
        gtToPred = toPred.map { d in gtEdges.indices.filter { gtEdges[$0] != 0 }.map { d[$0] } } ?? []
    }

    /// Metrics Reloaded's distances when one surface is empty: SciPy's
    /// `distance_transform_edt` of a map with no zero measures from a virtual
    /// point at row −1, column −1, so its NSD counts the other surface's
    /// pixels near the top-left corner. Reproduced for that convention only.
    static func virtualCornerDistances(of surface: [UInt8], width: Int, spacing: Spacing) -> [Double] {
        surface.indices.filter { surface[$0] != 0 }.map { i in
            let dy = Double(i / width + 1) * spacing.row, dx = Double(i % width + 1) * spacing.column
            return (dy * dy + dx * dx).squareRoot()
        }
    }
}
