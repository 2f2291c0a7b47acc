import CSegModel
import Foundation

/// Conv2D's Winograd F(4×4, 3×3) paths: with the transformed weights cached
/// (64×64 and above), and streamed, transformed on every call (many-channel
/// layers below that, dilated ones as interleaved sub-grids).
extension Conv2D {
    /// Whether a "same" 3×3 convolution at this size takes the Winograd path.
    func usesWinograd(height: Int, width: Int, _ compute: Compute) -> Bool {
        isSame && kernel == 3 && dilation == 1 && height * width >= compute.winogradMinPixels && inChannels >= 8
    }

    /// Whether a "same" 3×3 convolution below Winograd's sizes takes the
    /// streamed Winograd path (packed weights, many channels; any dilation,
    /// as long as each of its d² sub-grids is at least 8 × 8).
    func usesStreamedWinograd(height: Int, width: Int, _ compute: Compute) -> Bool {
        tiles3x3 && height * width < compute.winogradMinPixels && inChannels >= compute.streamedWinogradMinChannels
            && height / dilation >= 8 && width / dilation >= 8
    }

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
        let rows = Self.stripRows(height: tilesHigh, width: tilesWide, bytesPerRow: 36 * (inChannels + outChannels) * tilesWide * 4)
        let strips = (tilesHigh + rows - 1) / rows
        u.withUnsafeBufferPointer { up in
            bias.withUnsafeBufferPointer { bp in
                compute.parallel(strips) { worker, range in
                    let v = compute.buffer(worker, 0, count: 36 * inChannels * rows * tilesWide)
                    let m = compute.buffer(worker, 1, count: 36 * outChannels * rows * tilesWide)
                    for s in range {
                        let t0 = s * rows, t1 = min(tilesHigh, t0 + rows), n = (t1 - t0) * tilesWide
                        var channel = 0
                        if let view {
                            view.rows.withUnsafeBufferPointer { rows in
                                view.columns.withUnsafeBufferPointer { columns in
                                    seg_wino_input(view.source.data, Int32(view.source.channels), Int32(h), Int32(w), rows.baseAddress,
                                                   columns.baseAddress, Int32(view.source.height), Int32(view.source.width), Int32(t0), Int32(t1),
                                                   v, Int64(n), Int64(inChannels * n))
                                }
                            }
                            channel = view.source.channels
                        }
                        for input in inputs {
                            seg_wino_input(input.data, Int32(input.channels), Int32(h), Int32(w), nil, nil, 0, 0, Int32(t0), Int32(t1),
                                           v + channel * n, Int64(n), Int64(inChannels * n))
                            channel += input.channels
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
        /// Its place among all sub-grids' tiles.
        let firstTile: Int
        var tilesHigh: Int { (height + 3) / 4 }
        var tilesWide: Int { (width + 3) / 4 }
        var tiles: Int { tilesHigh * tilesWide }
    }

    /// Winograd F(4×4, 3×3) with the weights transformed on every call: the
    /// input of every (sub-)grid transformed once (workers split the
    /// channels), then each block of 32 output channels has its weights
    /// transformed into the worker's scratch, multiplied for the 36 elements
    /// over all tiles at once and transformed back. At 16²–32² the tiles are
    /// few and the weights many, so the weight transform costs a few per cent
    /// of the products, and no 4×-size copy is kept. A dilated layer is its d²
    /// interleaved sub-grids side by side in the products. `view`, when given,
    /// is the first of the stacked inputs.
    func streamedWinograd(_ inputs: [FeatureMap], view: NearestView?, _ out: FeatureMap, _ residual: FeatureMap?,
                                  _ compute: Compute) {
        let h = out.height, w = out.width, d = dilation, plane = h * w
        var grids: [SubGrid] = []
        var tiles = 0
        for y0 in 0..<d {
            for x0 in 0..<d {
                let grid = SubGrid(y0: y0, x0: x0, height: (h - y0 + d - 1) / d, width: (w - x0 + d - 1) / d, firstTile: tiles)
                grids.append(grid)
                tiles += grid.tiles
            }
        }
        // Each grid's source rows and columns in every stacked input: the
        // view's index maps composed with the sub-grid's, nil for a whole map.
        func indices(_ grid: SubGrid, _ map: [Int32]?, along count: Int, first: Int) -> [Int32]? {
            guard d > 1 || map != nil else { return nil }
            return (0..<count).map { i in map.map { $0[first + d * i] } ?? Int32(first + d * i) }
        }
        var sources: [(map: FeatureMap, first: Int, maps: [(rows: [Int32]?, columns: [Int32]?)])] = []
        var channel = 0
        for (index, input) in ((view.map { [$0.source] } ?? []) + inputs).enumerated() {
            let resized = index == 0 ? view : nil
            sources.append((input, channel, grids.map { grid in
                (indices(grid, resized?.rows, along: grid.height, first: grid.y0),
                 indices(grid, resized?.columns, along: grid.width, first: grid.x0))
            }))
            channel += input.channels
        }
        let transformed = FeatureMap(channels: 1, height: 1, width: 36 * inChannels * tiles)
        let v = transformed.data
        compute.parallel(inChannels) { _, range in
            for source in sources {
                let lo = max(range.lowerBound, source.first), hi = min(range.upperBound, source.first + source.map.channels)
                guard lo < hi else { continue }
                let src = source.map.channel(lo - source.first)
                for (grid, maps) in zip(grids, source.maps) {
                    maps.rows.withOptionalBuffer { rows in
                        maps.columns.withOptionalBuffer { columns in
                            seg_wino_input(src, Int32(hi - lo), Int32(grid.height), Int32(grid.width), rows, columns,
                                           Int32(source.map.height), Int32(source.map.width), 0, Int32(grid.tilesHigh),
                                           v + lo * tiles + grid.firstTile, Int64(tiles), Int64(inChannels * tiles))
                        }
                    }
                }
            }
        }
        // About 12 K weights per element and piece (24 output channels at 512 input channels): small enough
        // for OpenBLAS's unpacked small-matrix kernel, which at 64 tiles beat every larger piece (docs/benchmarks.md).
        let block = Int(SEG_TILED_BLOCK), blocksPerPiece = max(1, 1536 / inChannels)
        let blocks = (outChannels + block - 1) / block
        let pieces = (blocks + blocksPerPiece - 1) / blocksPerPiece
        weights.withUnsafeBufferPointer { wp in
            bias.withUnsafeBufferPointer { bp in
                compute.parallel(pieces) { worker, range in
                    let u = compute.buffer(worker, 0, count: 6 * inChannels * blocksPerPiece * block)
                    let m = compute.buffer(worker, 1, count: 36 * blocksPerPiece * block * tiles)
                    for piece in range {
                        let b0 = piece * blocksPerPiece, b1 = min(blocks, b0 + blocksPerPiece)
                        let k0 = b0 * block, count = min(outChannels, b1 * block) - k0, ld = (b1 - b0) * block
                        for row in 0..<6 {
                            seg_wino_weights_packed(wp.baseAddress!, Int32(inChannels), Int32(b0), Int32(b1), Int32(row), u)
                            for j in 0..<6 {
                                let e = row * 6 + j
                                seg_sgemm_at(Int32(count), Int32(tiles), Int32(inChannels), u + j * inChannels * ld, Int32(ld),
                                             v + e * inChannels * tiles, Int32(tiles), 0, m + e * count * tiles, Int32(tiles))
                            }
                        }
                        for grid in grids {
                            seg_wino_output(m + grid.firstTile, Int64(tiles), Int32(count), Int32(grid.height), Int32(grid.width), 0,
                                            Int32(grid.tilesHigh), bp.baseAddress! + k0, residual.map { UnsafePointer($0.data + k0 * plane) },
                                            activationCode, Int32(d), Int32(grid.y0), Int32(grid.x0), Int32(w), Int64(plane),
                                            out.data + k0 * plane)
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
