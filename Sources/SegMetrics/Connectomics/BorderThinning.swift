/// The border thinning of the ISBI 2012 challenge: Fiji's
/// `WatershedTransform2D` (Vincent–Soille, 4-connected) on an image that is
/// 0 on the proposal's cells and 255 elsewhere, so that the membranes
/// between cells are flooded from the cells and only one-pixel dams remain.
/// Basins are numbered in column-major order of their first pixel; dams are 0.
public enum BorderThinning {
    private static let mask: Int32 = -2, watershed: Int32 = 0, initial: Int32 = -1, inQueue: Int32 = -3

    /// The thinned labels of the cell mask `cells` (non-zero: cell), row-major.
    public static func labels(cells: [UInt8], width w: Int, height h: Int) -> InstanceLabels {
        let n = w * h
        var lab = [Int32](repeating: initial, count: n)
        // Pixels by level (cells 0 first, then 255), each level in column-major order (Fiji's stable sort).
        var levels: [[Int]] = [[], []]
        for x in 0..<w { for y in 0..<h { levels[cells[y * w + x] != 0 ? 0 : 1].append(y * w + x) } }
        var flag = false, current: Int32 = 0
        var fifo = [Int](), head = 0
        // Neighbours in Fiji's order: (x−1, y), (x, y−1), (x+1, y), (x, y+1).
        @inline(__always) func neighbours(_ p: Int, _ body: (Int) -> Bool) {
            let y = p / w, x = p - y * w
            if x > 0, !body(p - 1) { return }
            if y > 0, !body(p - w) { return }
            if x + 1 < w, !body(p + 1) { return }
            if y + 1 < h { _ = body(p + w) }
        }
        for level in levels {
            for p in level {
                lab[p] = mask
                neighbours(p) { c in
                    if lab[c] >= 0 { lab[p] = inQueue; fifo.append(p); return false }
                    return true
                }
            }
            while head < fifo.count {
                let p = fifo[head]
                head += 1
                neighbours(p) { c in
                    let l = lab[c]
                    if l > 0 {
                        if lab[p] == inQueue || (lab[p] == watershed && flag) {
                            lab[p] = l
                        } else if lab[p] > 0 && lab[p] != l {
                            lab[p] = watershed
                            flag = false
                        }
                    } else if l == watershed {
                        if lab[p] == inQueue {
                            lab[p] = watershed
                            flag = true
                        }
                    } else if l == mask {
                        lab[c] = inQueue
                        fifo.append(c)
                    }
                    return true
                }
            }
            for p in level where lab[p] == mask {
                current += 1
                lab[p] = current
                var stack = [p]
                while let q = stack.popLast() {
                    neighbours(q) { c in
                        if lab[c] == mask { lab[c] = current; stack.append(c) }
                        return true
                    }
                }
            }
        }
        for i in 0..<n where lab[i] < 0 { lab[i] = 0 }
        return InstanceLabels(width: w, height: h, sequential: lab, count: Int(current))
    }
}
