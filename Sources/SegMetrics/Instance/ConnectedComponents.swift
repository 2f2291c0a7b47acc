import CSegMetrics

/// Which neighbours join two foreground pixels into one object.
public enum Connectivity: Int, Sendable, CaseIterable, Codable {
    /// Edge neighbours only (SciPy's default cross; Fiji's ISBI scripts).
    case four = 4
    /// Edge and corner neighbours.
    case eight = 8
}

/// Connected-component labelling of a binary mask, numbered as
/// `scipy.ndimage.label` and `skimage.measure.label` number them: in
/// raster order of each component's first pixel.
public enum ConnectedComponents {
    /// The components of the pixels where `mask` is non-zero (two-pass
    /// union-find, in C: `seg_components`).
    public static func label(_ mask: [UInt8], width: Int, height: Int, connectivity: Connectivity) -> InstanceLabels {
        precondition(mask.count == width * height, "mask does not fill \(width)×\(height)")
        precondition(mask.count < Int(Int32.max), "an image of 2³¹ pixels or more")
        var parent = [Int32](repeating: 0, count: mask.count + 1)
        var count: Int32 = 0
        let labels = [Int32](unsafeUninitializedCapacity: mask.count) { out, initialized in
            count = seg_components(mask, Int64(width), Int64(height), connectivity == .eight ? 1 : 0, out.baseAddress, &parent)
            initialized = mask.count
        }
        return InstanceLabels(width: width, height: height, sequential: labels, count: Int(count))
    }
}
