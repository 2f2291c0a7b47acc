import CSegMetrics

/// The border thinning of the ISBI 2012 challenge: Fiji's
/// `WatershedTransform2D` (Vincent–Soille, 4-connected) on an image that is
/// 0 on the proposal's cells and 255 elsewhere, so that the membranes
/// between cells are flooded from the cells and only one-pixel dams remain.
/// Dams are 0; basins are numbered 1 … count (the cells' regions first,
/// in row-major order of their first pixel — Fiji numbers them in
/// column-major order: the same partition, so the same scores).
/// The flooding runs in C (`seg_border_thinning`): it visits every pixel of
/// every threshold of every image.
public enum BorderThinning {
    /// The thinned labels of the cell mask `cells` (non-zero: cell), row-major.
    public static func labels(cells: [UInt8], width w: Int, height h: Int) -> InstanceLabels {
        let n = w * h
        precondition((w + 2) * (h + 2) < Int(Int32.max), "an image of 2³¹ pixels or more")
        var padded = [Int32](repeating: 0, count: (w + 2) * (h + 2)), fifo = [Int32](repeating: 0, count: n)
        var stack = [Int32](repeating: 0, count: n), columns = [Int32](repeating: 0, count: w + 1)
        var count: Int32 = 0
        let labels = [Int32](unsafeUninitializedCapacity: n) { out, initialized in
            count = seg_border_thinning(cells, Int64(w), Int64(h), out.baseAddress, &padded, &fifo, &stack, &columns)
            initialized = n
        }
        return InstanceLabels(width: w, height: h, sequential: labels, count: Int(count))
    }
}
