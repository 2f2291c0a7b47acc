import CSegMetrics

/// A binary mask packed 64 pixels to a word, row by row (bit `b` of word
/// `k` of a row is column `64k + b`; bits past the width are 0), so that
/// neighbourhood tests such as an erosion run on 64 pixels at once and
/// only the pixels found are visited one by one.
struct PackedMask {
    let width: Int, height: Int
    /// Words per row.
    let stride: Int
    /// `height × stride` words.
    let words: [UInt64]

    /// The pixels of the row-major `values` that lie in `inside` (64
    /// compared at a time where the CPU has AVX-512).
    init(values: [UInt8], inside: ClosedRange<UInt8>, width: Int, height: Int) {
        self.width = width
        self.height = height
        let stride = (width + 63) / 64
        self.stride = stride
        words = [UInt64](unsafeUninitializedCapacity: height * stride) { out, initialized in
            values.withUnsafeBufferPointer { v in
                seg_pack_range(v.baseAddress, Int64(width), Int64(height), inside.lowerBound, inside.upperBound, out.baseAddress, Int64(stride))
            }
            initialized = height * stride
        }
    }

    /// The mask whose set pixels are the row-major `pixels`.
    init(pixels: [Int32], width: Int, height: Int) {
        let stride = (width + 63) / 64
        var words = [UInt64](repeating: 0, count: height * stride)
        for p in pixels {
            let y = Int(p) / width, x = Int(p) - y * width
            words[y * stride + x >> 6] |= 1 << UInt64(x & 63)
        }
        self.init(width: width, height: height, stride: stride, words: words)
    }

    /// A mask of the same size from its words.
    private init(width: Int, height: Int, stride: Int, words: [UInt64]) {
        self.width = width
        self.height = height
        self.stride = stride
        self.words = words
    }

    /// No pixel is set.
    var isEmpty: Bool { !words.contains { $0 != 0 } }

    /// Set pixels.
    var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// Pixels set in both masks.
    func sharedCount(_ other: PackedMask) -> Int {
        zip(words, other.words).reduce(0) { $0 + ($1.0 & $1.1).nonzeroBitCount }
    }

    /// The erosion surface with SciPy's cross structure and outside = 0: a
    /// set pixel one of whose four neighbours is unset or outside the image.
    func erosionSurface() -> PackedMask {
        rowMap { rows, k in
            let m = rows.here[k]
            guard m != 0 else { return 0 }
            return m & ~(rows.above[k] & rows.below[k] & rows.west(rows.here, k) & rows.east(rows.here, k))
        }
    }

    /// The erosion with SciPy's cross structure and outside = 0
    /// (`binary_erosion(mask, border_value=0)`): set pixels whose four
    /// neighbours are set and inside the image.
    func eroded() -> PackedMask {
        rowMap { rows, k in rows.here[k] & rows.above[k] & rows.below[k] & rows.west(rows.here, k) & rows.east(rows.here, k) }
    }

    /// One byte per pixel, row-major: 1 where set.
    func bytes() -> [UInt8] {
        (0..<(width * height)).map { i in
            let y = i / width, x = i - y * width
            return UInt8(truncatingIfNeeded: words[y * stride + x >> 6] >> UInt64(x & 63)) & 1
        }
    }

    /// The DAVIS `_seg2bmap` boundary: a pixel differing from its east,
    /// south or south-east neighbour, outside counting as unset, except that
    /// the last row compares only eastwards, the last column only
    /// southwards, and the last pixel never.
    func davisBoundary() -> PackedMask {
        let lastWord = (width - 1) >> 6, lastBit: UInt64 = 1 << UInt64((width - 1) & 63)
        return rowMap { rows, k in
            let m = rows.here[k], e = rows.east(rows.here, k)
            let onlySouth = k == lastWord ? lastBit : 0
            if rows.isLast { return (m ^ e) & ~onlySouth }
            let s = rows.below[k], se = rows.east(rows.below, k)
            return (((m ^ e) | (m ^ s) | (m ^ se)) & ~onlySouth) | ((m ^ s) & onlySouth)
        }
    }

    /// The dilation by skimage's `disk(radius)` (the offsets with
    /// `dy² + dx² ≤ radius²`), as DAVIS dilates its boundaries: each row is
    /// widened by every half-width once, and each output row ORs the rows
    /// within the radius at their half-widths.
    func dilated(byDiskOfRadius radius: Int) -> PackedMask {
        let r = max(0, radius), n = words.count, stride = stride, height = height
        let halfWidths = (0...r).map { dy in Int(Double(r * r - dy * dy).squareRoot().rounded(.down)) }
        let tail = tailMask
        // Layer k (words k·n …): each row dilated horizontally by k columns each way.
        var layers = [UInt64](repeating: 0, count: (r + 1) * n)
        var out = [UInt64](repeating: 0, count: n)
        layers.withUnsafeMutableBufferPointer { layers in
            words.withUnsafeBufferPointer { source in
                let base = layers.baseAddress!
                for i in 0..<n { base[i] = source[i] }
                // Each row copied between two zero words, so that shifts by less than a word need no bounds tests.
                let padded = UnsafeMutablePointer<UInt64>.allocate(capacity: stride + 2)
                defer { padded.deallocate() }
                padded.initialize(repeating: 0, count: stride + 2)
                for y in 0..<height {
                    let row = y * stride
                    for i in 0..<stride { padded[i + 1] = source[row + i] }
                    for k in 1..<(r + 1) {
                        let layer = base + k * n + row, previous = layer - n
                        if k < 64 {
                            // Bit j of the row moved to j + k (west neighbours) and to j − k (east).
                            let b = UInt64(k)
                            for i in 0..<stride {
                                let west = (padded[i + 1] << b) | (padded[i] >> (64 - b))
                                let east = (padded[i + 1] >> b) | (padded[i + 2] << (64 - b))
                                layer[i] = previous[i] | west | east
                            }
                        } else {
                            let q = k >> 6, b = UInt64(k & 63)
                            @inline(__always) func word(_ i: Int) -> UInt64 { i >= 0 && i < stride ? padded[i + 1] : 0 }
                            for i in 0..<stride {
                                let west = b == 0 ? word(i - q) : (word(i - q) << b) | (word(i - q - 1) >> (64 - b))
                                let east = b == 0 ? word(i + q) : (word(i + q) >> b) | (word(i + q + 1) << (64 - b))
                                layer[i] = previous[i] | west | east
                            }
                        }
                        layer[stride - 1] &= tail
                    }
                }
                out.withUnsafeMutableBufferPointer { out in
                    for y in 0..<height {
                        let target = out.baseAddress! + y * stride
                        for dy in max(-r, -y)...min(r, height - 1 - y) {
                            let from = base + halfWidths[abs(dy)] * n + (y + dy) * stride
                            for i in 0..<stride { target[i] |= from[i] }
                        }
                    }
                }
            }
        }
        return PackedMask(width: width, height: height, stride: stride, words: out)
    }

    /// The bits of a row's last word that lie inside the width.
    private var tailMask: UInt64 {
        let used = width - 64 * (stride - 1)
        return used == 64 ? ~0 : (1 << UInt64(used)) - 1
    }

    /// The set pixels' row-major indices, in order (visiting only the set bits).
    func pixels() -> [Int32] {
        [Int32](unsafeUninitializedCapacity: count) { out, initialized in
            var n = 0
            words.withUnsafeBufferPointer { words in
                for y in 0..<height {
                    for k in 0..<stride {
                        var f = words[y * stride + k]
                        let origin = y * width + 64 * k
                        while f != 0 {
                            out[n] = Int32(origin + f.trailingZeroBitCount)
                            n += 1
                            f &= f &- 1
                        }
                    }
                }
            }
            initialized = n
        }
    }

    /// One row's words and its neighbours' (all-zero rows outside the image).
    struct Rows {
        let above: UnsafePointer<UInt64>, here: UnsafePointer<UInt64>, below: UnsafePointer<UInt64>
        let stride: Int
        /// This is the image's last row.
        let isLast: Bool

        /// Word `k` of `row` shifted so that each bit holds its west neighbour (outside = 0).
        @inline(__always)
        func west(_ row: UnsafePointer<UInt64>, _ k: Int) -> UInt64 {
            (row[k] << 1) | (k > 0 ? row[k - 1] >> 63 : 0)
        }

        /// The same for the east neighbour; bits past the width stay 0.
        @inline(__always)
        func east(_ row: UnsafePointer<UInt64>, _ k: Int) -> UInt64 {
            (row[k] >> 1) | (k + 1 < stride ? row[k + 1] << 63 : 0)
        }
    }

    /// The mask whose word `k` of each row is `body(rows, k)`.
    private func rowMap(_ body: (Rows, Int) -> UInt64) -> PackedMask {
        let zeros = [UInt64](repeating: 0, count: stride)
        let mapped = [UInt64](unsafeUninitializedCapacity: words.count) { out, initialized in
            words.withUnsafeBufferPointer { w in
                zeros.withUnsafeBufferPointer { z in
                    for y in 0..<height {
                        let here = w.baseAddress! + y * stride
                        let rows = Rows(above: y > 0 ? here - stride : z.baseAddress!, here: here,
                                        below: y + 1 < height ? here + stride : z.baseAddress!, stride: stride, isLast: y + 1 == height)
                        for k in 0..<stride { out[y * stride + k] = body(rows, k) }
                    }
                }
            }
            initialized = words.count
        }
        return PackedMask(width: width, height: height, stride: stride, words: mapped)
    }
}
