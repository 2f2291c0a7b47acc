import CSegMetrics

/// One image's objects as a label map: 0 is background and the objects are
/// numbered 1 … `count` (relabelled in increasing order of their original
/// ids, as scikit-image's `relabel_sequential` — which stardist's `matching`
/// and HoVer-Net's `remap_label` apply — does). Areas come with the
/// overlap table (``InstanceOverlap``), counted in the same pass.
public struct InstanceLabels: Sendable, Equatable {
    public let width: Int, height: Int
    /// Row-major object numbers, `width × height` (0: background).
    public let labels: [Int32]
    /// Number of objects.
    public let count: Int

    /// A map whose labels are already 0 … `count` with every object present.
    init(width: Int, height: Int, sequential labels: [Int32], count: Int) {
        precondition(labels.count == width * height, "labels do not fill \(width)×\(height)")
        self.width = width
        self.height = height
        self.labels = labels
        self.count = count
    }

    /// The objects of a label image with arbitrary non-negative ids (each
    /// distinct non-zero id one object), renumbered 1 … n in increasing id order.
    public init<T: FixedWidthInteger & UnsignedInteger>(ids: [T], width: Int, height: Int) {
        precondition(ids.count == width * height, "ids do not fill \(width)×\(height)")
        if T.bitWidth <= 16 {
            // A table over the ids up to the largest: mark, number in increasing order, map (in C, vectorised).
            let wide: [UInt16] = T.bitWidth == 16 ? unsafeBitCast(ids, to: [UInt16].self) : ids.map { UInt16($0) }
            var count: Int32 = 0
            let labels = [Int32](unsafeUninitializedCapacity: ids.count) { out, initialized in
                wide.withUnsafeBufferPointer { w in
                    let largest = seg_max16(w.baseAddress, Int64(w.count))
                    var scratch = [Int32](unsafeUninitializedCapacity: Int(largest) + 1) { _, n in n = Int(largest) + 1 }
                    count = seg_relabel16(w.baseAddress, Int64(w.count), largest, &scratch, out.baseAddress)
                }
                initialized = ids.count
            }
            self.init(width: width, height: height, sequential: labels, count: Int(count))
            return
        }
        var present = Set<T>()
        var previous: T = 0
        for v in ids where v != previous {
            previous = v
            if v != 0 { present.insert(v) }
        }
        let sorted = present.sorted()
        var number = [T: Int32](minimumCapacity: sorted.count)
        for (i, id) in sorted.enumerated() { number[id] = Int32(i + 1) }
        var lastID: T = 0, lastNumber: Int32 = 0
        let labels = ids.map { v -> Int32 in
            if v == 0 { return 0 }
            if v != lastID { lastID = v; lastNumber = number[v]! }
            return lastNumber
        }
        self.init(width: width, height: height, sequential: labels, count: sorted.count)
    }
}
