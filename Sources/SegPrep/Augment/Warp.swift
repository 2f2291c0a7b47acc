import SegImage

extension Image {
    /// The image resampled through `field`: output (x, y) = input at
    /// (x + dx, y + dy), every channel alike. Results are rounded to the
    /// nearest integer (halves away from zero) and clamped to the sample range.
    public func warped(by field: DisplacementField, interpolation: Interpolation, border: Border, fill: Double = 0) -> Image {
        precondition(field.width == width && field.height == height, "field and image sizes differ")
        let samples: Samples
        switch self.samples {
        case .uint8(let s): samples = .uint8(warp(s, field, interpolation, border, fill, maxValue: 255))
        case .uint16(let s): samples = .uint16(warp(s, field, interpolation, border, fill, maxValue: 65535))
        }
        return Image(width: width, height: height, colorModel: colorModel, samples: samples,
                     sourceBitDepth: sourceBitDepth, palette: palette)
    }

    private func warp<T: FixedWidthInteger & UnsignedInteger>(_ src: [T], _ field: DisplacementField, _ interpolation: Interpolation,
                                                               _ border: Border, _ fill: Double, maxValue: Double) -> [T] {
        let w = width, h = height, ch = channels
        var result = [T](repeating: 0, count: src.count)
        let fillValue = min(max(fill, 0), maxValue)
        result.withUnsafeMutableBufferPointer { out in
        // Round half away from zero on a value clamped to [0, max]: +0.5 and truncate (no libm call).
        @inline(__always) func store(_ v: Double, _ at: Int) {
            out[at] = T(truncatingIfNeeded: Int(min(max(v, 0), maxValue) + 0.5))  // max/min also turn NaN into 0
        }
        // Sample positions are clamped far outside any image (a NaN one too), so that no
        // displacement can trap a conversion; beyond the image the border rule decides.
        @inline(__always) func position(_ v: Double) -> Double { v.isNaN ? -1e12 : min(max(v, -1e12), 1e12) }
        // ⌊v⌋ without libm's floor (x86-64's baseline has no rounding instruction).
        @inline(__always) func floorInt(_ v: Double) -> Int {
            let i = Int(v)
            return Double(i) > v ? i - 1 : i
        }
        field.dx.withUnsafeBufferPointer { fdx in
        field.dy.withUnsafeBufferPointer { fdy in
        src.withUnsafeBufferPointer { s in
            for y in 0..<h {
                for x in 0..<w {
                    let p = y * w + x
                    let sx = position(Double(x) + Double(fdx[p])), sy = position(Double(y) + Double(fdy[p]))
                    switch interpolation {
                    case .nearest:
                        let ix = border.index(floorInt(sx + 0.5), w), iy = border.index(floorInt(sy + 0.5), h)
                        for c in 0..<ch {
                            if let ix, let iy { out[p * ch + c] = s[(iy * w + ix) * ch + c] } else { store(fillValue, p * ch + c) }
                        }
                    case .bilinear:
                        let x0 = floorInt(sx), y0 = floorInt(sy)
                        let fx = sx - Double(x0), fy = sy - Double(y0)
                        if x0 >= 0 && y0 >= 0 && x0 + 1 < w && y0 + 1 < h {
                            // All four neighbours inside: no border rule needed.
                            let base = (y0 * w + x0) * ch, below = base + w * ch
                            for c in 0..<ch {
                                let top = (1 - fx) * Double(s[base + c]) + fx * Double(s[base + ch + c])
                                let bottom = (1 - fx) * Double(s[below + c]) + fx * Double(s[below + ch + c])
                                store((1 - fy) * top + fy * bottom, p * ch + c)
                            }
                            continue
                        }
                        let ix0 = border.index(x0, w), ix1 = border.index(x0 + 1, w)
                        let iy0 = border.index(y0, h), iy1 = border.index(y0 + 1, h)
                        for c in 0..<ch {
                            func at(_ iy: Int?, _ ix: Int?) -> Double {
                                guard let iy, let ix else { return fillValue }
                                return Double(s[(iy * w + ix) * ch + c])
                            }
                            let top = (1 - fx) * at(iy0, ix0) + fx * at(iy0, ix1)
                            let bottom = (1 - fx) * at(iy1, ix0) + fx * at(iy1, ix1)
                            store((1 - fy) * top + fy * bottom, p * ch + c)
                        }
                    case .bicubic:
                        let x0 = floorInt(sx), y0 = floorInt(sy)
                        let wx = ElasticSpec.cubicWeights4(sx - Double(x0)), wy = ElasticSpec.cubicWeights4(sy - Double(y0))
                        for c in 0..<ch {
                            func row(_ a: Int) -> Double {
                                guard let iy = border.index(y0 - 1 + a, h) else { return fillValue }
                                func at(_ b: Int) -> Double {
                                    guard let ix = border.index(x0 - 1 + b, w) else { return fillValue }
                                    return Double(s[(iy * w + ix) * ch + c])
                                }
                                return wx.0 * at(0) + wx.1 * at(1) + wx.2 * at(2) + wx.3 * at(3)
                            }
                            store(wy.0 * row(0) + wy.1 * row(1) + wy.2 * row(2) + wy.3 * row(3), p * ch + c)
                        }
                    }
                }
            }
        }
        }
        }
        }
        return result
    }
}
