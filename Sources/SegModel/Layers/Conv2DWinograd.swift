import CSegModel
import Foundation

/// Conv2D's Winograd F(4×4, 3×3) paths: with the transformed weights cached
/// (64×64 and above), and streamed, transformed on every call (many-channel
/// layers below that, dilated ones as interleaved sub-grids).
extension Conv2D {
    /// Whether a "same" 3×3 convolution at this size takes the Winograd path
    /// with cached transformed weights: from `winogradMinPixels` up, unless
    /// the copy would exceed `winogradCacheLimit` and the streamed path can
    /// take the layer instead.
    func usesWinograd(height: Int, width: Int, _ compute: Compute) -> Bool {
        isSame && kernel == 3 && dilation == 1 && height * width >= compute.winogradMinPixels && inChannels >= 8
            && !(streamable(height: height, width: width, compute) && winogradWeightBytes > compute.winogradCacheLimit)
    }

    /// Whether a "same" 3×3 convolution takes the streamed Winograd path:
    /// below Winograd's cached sizes, or above them when the cached copy
    /// would be too large (the 64² layers of a full-size U-Net: 75 MB for
    /// 1024 → 512).
    func usesStreamedWinograd(height: Int, width: Int, _ compute: Compute) -> Bool {
        streamable(height: height, width: width, compute)
            && (height * width < compute.winogradMinPixels || winogradWeightBytes > compute.winogradCacheLimit)
    }

    /// Packed weights, many channels, any dilation, as long as each of the
    /// layer's d² sub-grids is at least 8 × 8.
    private func streamable(height: Int, width: Int, _ compute: Compute) -> Bool {
        tiles3x3 && inChannels >= compute.streamedWinogradMinChannels && height / dilation >= 8 && width / dilation >= 8
    }

    /// Bytes of the layer's Winograd-domain weights (36 values per 3×3 filter).
    var winogradWeightBytes: Int { 36 * inChannels * outChannels * MemoryLayout<Float>.stride }

    /// Winograd-domain weights, computed on first use and kept (4× the size of
    /// the 3×3 weights, so only layers that actually run this way pay for it).
    private func transformedWeights() -> [Float] {
        lock.lock()
        defer { lock.unlock() }
        if let u = winogradWeights { return u }
        var u = [Float](repeating: 0, count: 36 * outChannels * inChannels)
        let plain = tiled ? [Float](unsafeUninitializedCapacity: outChannels * inChannels * 9) { buffer, count in
            weights.withUnsafeBufferPointer { seg_tiled_unpack($0.baseAddress!, Int32(outChannels), Int32(inChannels), 9, buffer.baseAddress!) }
            count = buffer.count
        } : weights
        plain.withUnsafeBufferPointer { wp in
            u.withUnsafeMutableBufferPointer { seg_wino_weights(wp.baseAddress!, Int32(outChannels), Int32(inChannels), $0.baseAddress!) }
        }
        winogradWeights = u
        return u
    }

    /// `view`, when given, is the first of the stacked inputs (read through its index maps).
    func winograd(_ inputs: [FeatureMap], view: NearestView?, _ out: FeatureMap, _ residual: FeatureMap?, _ compute: Compute) {
        let h = out.height, w = out.width
        let tilesWide = (w + 3) / 4, tilesHigh = (h + 3) / 4
        let u = transformedWeights()
        let stacked = StackedInput.list(inputs, view: view)
        let rows = Self.stripRows(height: tilesHigh, width: tilesWide, bytesPerRow: 36 * (inChannels + outChannels) * tilesWide * 4)
        let strips = (tilesHigh + rows - 1) / rows
        u.withUnsafeBufferPointer { up in
            bias.withUnsafeBufferPointer { bp in
                compute.parallel(strips) { worker, range in
                    let v = compute.buffer(worker, 0, count: 36 * inChannels * rows * tilesWide)
                    let m = compute.buffer(worker, 1, count: 36 * outChannels * rows * tilesWide)
                    for s in range {
                        let t0 = s * rows, t1 = min(tilesHigh, t0 + rows), n = (t1 - t0) * tilesWide
                        for input in stacked {
                            input.withIndexMaps { rows, columns in
                                seg_wino_input(input.map.data, Int32(input.map.channels), Int32(h), Int32(w), rows, columns,
                                               Int32(input.map.height), Int32(input.map.width), Int32(t0), Int32(t1),
                                               v + input.first * n, Int64(n), Int64(inChannels * n))
                            }
                        }
                        for e in 0..<36 {
                            seg_sgemm(Int32(outChannels), Int32(n), Int32(inChannels), up.baseAddress! + e * outChannels * inChannels,
                                      Int32(inChannels), v + e * inChannels * n, Int32(n), 0, m + e * outChannels * n, Int32(n))
                        }
                        seg_wino_output(m, Int64(n), Int32(outChannels), Int32(h), Int32(w), Int32(t0), Int32(t1), bp.baseAddress!,
                                        residual.map { UnsafePointer($0.data) }, activationCode, 1, 0, 0, Int32(w), Int64(h * w), out.data)
                    }
                }
            }
        }
    }

    /// One of the d² interleaved sub-grids of a dilation-d layer's output
    /// (pixels (y0 + d·y, x0 + d·x)): a dilation-1 convolution of the same
    /// sub-grid of the input, zero-padded at its own edges.
    private struct SubGrid {
        let y0: Int, x0: Int, height: Int, width: Int
        var tilesHigh: Int { (height + 3) / 4 }
        var tilesWide: Int { (width + 3) / 4 }
    }

    /// Tile rows [row0, row1) of one sub-grid, at `firstTile` among its strip's tiles.
    private struct Segment {
        let grid: Int, row0: Int, row1: Int, firstTile: Int
    }

    /// Tiles per strip: the products' width, for which OpenBLAS's small-matrix
    /// kernel pays off (docs/benchmarks.md); larger maps run as several strips.
    static let streamedStripTiles = 64

    /// The sub-grids' tile rows cut into strips of at most `streamedStripTiles`
    /// tiles (at least one tile row each), in order; the cut depends on the
    /// layer's geometry only, never on the thread count.
    private static func strips(_ grids: [SubGrid]) -> [(segments: [Segment], tiles: Int)] {
        var strips: [(segments: [Segment], tiles: Int)] = []
        var segments: [Segment] = [], tiles = 0
        for (g, grid) in grids.enumerated() {
            for row in 0..<grid.tilesHigh {
                if tiles > 0 && tiles + grid.tilesWide > streamedStripTiles {
                    strips.append((segments, tiles))
                    segments = []
                    tiles = 0
                }
                if let last = segments.last, last.grid == g {
                    segments[segments.count - 1] = Segment(grid: g, row0: last.row0, row1: row + 1, firstTile: last.firstTile)
                } else {
                    segments.append(Segment(grid: g, row0: row, row1: row + 1, firstTile: tiles))
                }
                tiles += grid.tilesWide
            }
        }
        if tiles > 0 { strips.append((segments, tiles)) }
        return strips
    }

    /// Winograd F(4×4, 3×3) with the weights transformed on every call: the
    /// map cut into strips of about 64 tiles; for each strip the input of
    /// every (sub-)grid row in it transformed once (workers split the
    /// channels), then each piece of output channels has its weights
    /// transformed into the worker's scratch a row of 6 elements at a time,
    /// multiplied for those elements over the strip's tiles and transformed
    /// back. With few tiles per strip and many weights, the weight transform
    /// costs a few per cent of the products, and no 4×-size copy is kept. A
    /// dilated layer is its d² interleaved sub-grids side by side in the
    /// products. `view`, when given, is the first of the stacked inputs.
    func streamedWinograd(_ inputs: [FeatureMap], view: NearestView?, _ out: FeatureMap, _ residual: FeatureMap?,
                          _ compute: Compute) {
        let h = out.height, w = out.width, d = dilation, plane = h * w
        var grids: [SubGrid] = []
        for y0 in 0..<d {
            for x0 in 0..<d { grids.append(SubGrid(y0: y0, x0: x0, height: (h - y0 + d - 1) / d, width: (w - x0 + d - 1) / d)) }
        }
        // Each grid's source rows and columns in every stacked input: the
        // view's index maps composed with the sub-grid's, nil for a whole map.
        func indices(_ map: [Int32]?, along count: Int, first: Int) -> [Int32]? {
            guard d > 1 || map != nil else { return nil }
            return (0..<count).map { i in map.map { $0[first + d * i] } ?? Int32(first + d * i) }
        }
        let sources = StackedInput.list(inputs, view: view).map { input in
            (input: input, maps: grids.map { grid in
                (rows: indices(input.view?.rows, along: grid.height, first: grid.y0),
                 columns: indices(input.view?.columns, along: grid.width, first: grid.x0))
            })
        }
        let strips = Self.strips(grids)
        let most = strips.map(\.tiles).max()!
        let transformed = FeatureMap(channels: 1, height: 1, width: 36 * inChannels * most)
        let v = transformed.data
        // Products of at most 512 input channels (deeper layers add up several) and about 12 K weights
        // per element and piece (24 output channels at 512): small enough for OpenBLAS's unpacked
        // small-matrix kernel, which at 64 tiles beat every larger piece (docs/benchmarks.md).
        let depth = min(inChannels, 512)
        let block = Int(SEG_TILED_BLOCK), blocksPerPiece = max(1, 1536 / depth)
        let blocks = (outChannels + block - 1) / block
        let pieces = (blocks + blocksPerPiece - 1) / blocksPerPiece
        // Rows of fewer than 8 tiles (dilated layers' sub-grids, small maps): one channel at a time
        // into the worker's staging rows ([36][tiles], in L1), then each element's row copied out
        // whole. Written in place, the 36 elements' runs of a few tiles each landed in 36 lines of
        // a map larger than L2 (dilated 512 at 32²: 5–13 % slower); rows of 8 tiles and more gain
        // nothing from the extra copy.
        let staged = grids.contains { $0.tilesWide < 8 }
        for strip in strips {
            let tiles = strip.tiles
            compute.parallel(inChannels) { worker, range in
                let staging = staged ? compute.buffer(worker, 0, count: 36 * tiles) : nil
                for (input, maps) in sources {
                    guard let channels = input.channels(in: range) else { continue }
                    // Channels [first, first + count) into `target` (element stride `estride`).
                    func transform(_ first: Int, _ count: Int, into target: UnsafeMutablePointer<Float>, estride: Int) {
                        for segment in strip.segments {
                            let grid = grids[segment.grid], map = maps[segment.grid]
                            map.rows.withOptionalBuffer { rows in
                                map.columns.withOptionalBuffer { columns in
                                    seg_wino_input(input.map.channel(first - input.first), Int32(count), Int32(grid.height), Int32(grid.width),
                                                   rows, columns, Int32(input.map.height), Int32(input.map.width), Int32(segment.row0),
                                                   Int32(segment.row1), target + segment.firstTile, Int64(tiles), Int64(estride))
                                }
                            }
                        }
                    }
                    guard let staging else {
                        transform(channels.lowerBound, channels.count, into: v + channels.lowerBound * tiles, estride: inChannels * tiles)
                        continue
                    }
                    for c in channels {
                        transform(c, 1, into: staging, estride: tiles)
                        for e in 0..<36 { (v + (e * inChannels + c) * tiles).update(from: staging + e * tiles, count: tiles) }
                    }
                }
            }
            weights.withUnsafeBufferPointer { wp in
                bias.withUnsafeBufferPointer { bp in
                    compute.parallel(pieces) { worker, range in
                        let u = compute.buffer(worker, 0, count: 6 * inChannels * blocksPerPiece * block)
                        let m = compute.buffer(worker, 1, count: 36 * blocksPerPiece * block * most)
                        for piece in range {
                            let b0 = piece * blocksPerPiece, b1 = min(blocks, b0 + blocksPerPiece)
                            let k0 = b0 * block, count = min(outChannels, b1 * block) - k0, ld = (b1 - b0) * block
                            for row in 0..<6 {
                                seg_wino_weights_packed(wp.baseAddress!, Int32(inChannels), Int32(b0), Int32(b1), Int32(row), u)
                                for j in 0..<6 {
                                    let e = row * 6 + j
                                    for c0 in Swift.stride(from: 0, to: inChannels, by: depth) {
                                        let c1 = min(inChannels, c0 + depth)
                                        seg_sgemm_at(Int32(count), Int32(tiles), Int32(c1 - c0), u + (j * inChannels + c0) * ld, Int32(ld),
                                                     v + (e * inChannels + c0) * tiles, Int32(tiles), c0 == 0 ? 0 : 1,
                                                     m + e * count * tiles, Int32(tiles))
                                    }
                                }
                            }
                            for segment in strip.segments {
                                let grid = grids[segment.grid]
                                seg_wino_output(m + segment.firstTile, Int64(tiles), Int32(count), Int32(grid.height), Int32(grid.width),
                                                Int32(segment.row0), Int32(segment.row1), bp.baseAddress! + k0,
                                                residual.map { UnsafePointer($0.data + k0 * plane) }, activationCode, Int32(d),
                                                Int32(grid.y0), Int32(grid.x0), Int32(w), Int64(plane), out.data + k0 * plane)
                            }
                        }
                    }
                }
            }
        }
        withExtendedLifetime(transformed) {}
    }
}

private extension Optional where Wrapped == [Int32] {
    /// The array's storage, or nil, for C parameters that take NULL.
    func withOptionalBuffer<R>(_ body: (UnsafePointer<Int32>?) -> R) -> R {
        guard let self else { return body(nil) }
        return self.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}
