/// The distances between the surfaces of a prediction and a ground truth
/// (``BinarySurface/erosionEdges(_:width:height:)``): from every surface
/// pixel of one mask to the nearest surface pixel of the other, in spacing
/// units, as MONAI's `get_surface_distance`, MedPy's `__surface_distances`
/// and Metrics Reloaded's `border_distance` compute them. The transforms run
/// on the bounding box of the two surfaces only (every feature lies inside
/// it, so the distances are the same), as MONAI crops.
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
        self.init(predEdges: BinarySurface.erosionEdges(prediction, width: width, height: height),
                  gtEdges: BinarySurface.erosionEdges(gt, width: width, height: height), width: width, height: height, spacing: spacing)
    }

    /// The same from surfaces already extracted (``BinarySurface/erosionEdges(_:width:height:)``).
    public init(predEdges: [UInt8], gtEdges: [UInt8], width: Int, height: Int, spacing: Spacing) {
        let box = BoundingBox(of: [predEdges, gtEdges], width: width, height: height)
        let p = box.crop(predEdges, width: width), g = box.crop(gtEdges, width: width)
        predSurface = p.reduce(0) { $0 + Int($1) }
        gtSurface = g.reduce(0) { $0 + Int($1) }
        func distances(from source: [UInt8], to target: [UInt8]) -> [Double] {
            let queries = Self.indices(of: source)
            return EuclideanDistanceTransform.distances(features: target, width: box.width, height: box.height, spacing: spacing, at: queries) ?? []
        }
        predToGT = distances(from: p, to: g)
        gtToPred = distances(from: g, to: p)
    }

    /// The indices of the non-zero entries, in order (one pass, no per-element growth checks).
    static func indices(of mask: [UInt8]) -> [Int] {
        let count = mask.reduce(0) { $0 + Int($1 != 0 ? 1 : 0) }
        return [Int](unsafeUninitializedCapacity: count) { buffer, initialized in
            var k = 0
            mask.withUnsafeBufferPointer { m in
                for i in 0..<m.count where m[i] != 0 {
                    buffer[k] = i
                    k += 1
                }
            }
            initialized = k
        }
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

/// The smallest rectangle holding every non-zero pixel of some masks (an
/// empty 0×0 box when there is none), and crops to it.
struct BoundingBox {
    var top = 0, left = 0, width = 0, height = 0

    /// The box of the non-zero pixels of `masks`, grown by `margin` and kept inside the image.
    init(of masks: [[UInt8]], width w: Int, height h: Int, margin: Int = 0) {
        var minY = h, maxY = -1, minX = w, maxX = -1
        for mask in masks {
            for y in 0..<h {
                let row = y * w
                var x0 = -1, x1 = -1
                for x in 0..<w where mask[row + x] != 0 {
                    if x0 < 0 { x0 = x }
                    x1 = x
                }
                guard x0 >= 0 else { continue }
                minY = min(minY, y); maxY = max(maxY, y); minX = min(minX, x0); maxX = max(maxX, x1)
            }
        }
        guard maxY >= 0 else { return }
        top = max(0, minY - margin); left = max(0, minX - margin)
        height = min(h - 1, maxY + margin) - top + 1
        width = min(w - 1, maxX + margin) - left + 1
    }

    /// The box's part of a `imageWidth`-wide mask.
    func crop(_ mask: [UInt8], width imageWidth: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: width * height)
        for y in 0..<height {
            let source = (top + y) * imageWidth + left
            for x in 0..<width { out[y * width + x] = mask[source + x] }
        }
        return out
    }
}
