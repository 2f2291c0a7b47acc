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
    /// The components of the pixels where `mask` is non-zero.
    public static func label(_ mask: [UInt8], width: Int, height: Int, connectivity: Connectivity) -> InstanceLabels {
        precondition(mask.count == width * height, "mask does not fill \(width)×\(height)")
        var provisional = [Int32](repeating: 0, count: mask.count)
        // Union-find over provisional labels (parent[i] ≤ i, so roots are the earliest).
        var parent: [Int32] = [0]
        func find(_ x: Int32) -> Int32 {
            var r = x
            while parent[Int(r)] != r { r = parent[Int(r)] }
            var y = x
            while parent[Int(y)] != r { let next = parent[Int(y)]; parent[Int(y)] = r; y = next }
            return r
        }
        func union(_ a: Int32, _ b: Int32) -> Int32 {
            let ra = find(a), rb = find(b)
            if ra == rb { return ra }
            let (low, high) = ra < rb ? (ra, rb) : (rb, ra)
            parent[Int(high)] = low
            return low
        }
        let diagonal = connectivity == .eight
        for y in 0..<height {
            let row = y * width
            for x in 0..<width where mask[row + x] != 0 {
                var label: Int32 = 0
                @inline(__always) func join(_ neighbour: Int32) {
                    guard neighbour != 0 else { return }
                    label = label == 0 ? find(neighbour) : union(label, neighbour)
                }
                if x > 0 { join(provisional[row + x - 1]) }
                if y > 0 {
                    let up = row - width + x
                    join(provisional[up])
                    if diagonal {
                        if x > 0 { join(provisional[up - 1]) }
                        if x + 1 < width { join(provisional[up + 1]) }
                    }
                }
                if label == 0 {
                    label = Int32(parent.count)
                    parent.append(label)
                }
                provisional[row + x] = label
            }
        }
        // Final numbers in order of each root's first appearance in the scan.
        var final = [Int32](repeating: 0, count: parent.count)
        var count: Int32 = 0
        for i in provisional.indices where provisional[i] != 0 {
            let root = find(provisional[i])
            if final[Int(root)] == 0 { count += 1; final[Int(root)] = count }
            provisional[i] = final[Int(root)]
        }
        return InstanceLabels(width: width, height: height, sequential: provisional, count: Int(count))
    }
}
