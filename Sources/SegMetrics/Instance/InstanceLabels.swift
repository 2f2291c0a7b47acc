import CSegInstance

/// One image's objects as a label map: 0 is background and the objects are
/// numbered 1 … `count` (relabelled in increasing order of their original
/// ids, as scikit-image's `relabel_sequential` — which stardist's `matching`
/// and HoVer-Net's `remap_label` apply — does), with each object's area.
public struct InstanceLabels: Sendable, Equatable {
    public let width: Int, height: Int
    /// Row-major object numbers, `width × height` (0: background).
    public let labels: [Int32]
    /// Number of objects.
    public let count: Int
    /// Pixels per object, indexed by object number (entry 0 unused, 0).
    public let areas: [Int]

    /// A map whose labels are already 0 … `count` with every object present.
    init(width: Int, height: Int, sequential labels: [Int32], count: Int) {
        precondition(labels.count == width * height, "labels do not fill \(width)×\(height)")
        self.width = width
        self.height = height
        self.labels = labels
        self.count = count
        // By runs (their starts found sixteen pixels at a time), not a chain of increments to one counter.
        var areas = [Int64](repeating: 0, count: count + 1)
        labels.withUnsafeBufferPointer { l in
            areas.withUnsafeMutableBufferPointer { a in seg_label_areas(l.baseAddress, Int64(l.count), a.baseAddress) }
        }
        areas[0] = 0
        self.areas = areas.map { Int($0) }
    }

    /// The objects of a label image with arbitrary non-negative ids (each
    /// distinct non-zero id one object), renumbered 1 … n in increasing id order.
    public init<T: FixedWidthInteger & UnsignedInteger>(ids: [T], width: Int, height: Int) {
        precondition(ids.count == width * height, "ids do not fill \(width)×\(height)")
        if T.bitWidth <= 16 {
            // A table over the ids up to the largest: one pass to mark, one to number, one to map.
            let largest = ids.withUnsafeBufferPointer { v in v.reduce(T(0)) { Swift.max($0, $1) } }
            var number = [Int32](repeating: 0, count: Int(largest) + 1)
            ids.withUnsafeBufferPointer { v in number.withUnsafeMutableBufferPointer { n in for id in v { n[Int(id)] = 1 } } }
            var count: Int32 = 0
            for id in 1..<number.count where number[id] != 0 {
                count += 1
                number[id] = count
            }
            number[0] = 0
            let labels = [Int32](unsafeUninitializedCapacity: ids.count) { out, initialized in
                ids.withUnsafeBufferPointer { v in number.withUnsafeBufferPointer { n in for i in v.indices { out[i] = n[Int(v[i])] } } }
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
