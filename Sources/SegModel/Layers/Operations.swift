import CSegModel
import Foundation

/// The parameter-free layers of the U-Net family, with PyTorch's semantics.
public enum Operations {
    /// `MaxPool2d(k, stride: k, ceil_mode:)`: with ceil mode, partial windows at
    /// the right and bottom edges produce outputs too.
    public static func maxPool(_ input: FeatureMap, _ k: Int, ceilMode: Bool, _ compute: Compute) -> FeatureMap {
        let oh = ceilMode ? (input.height + k - 1) / k : input.height / k
        let ow = ceilMode ? (input.width + k - 1) / k : input.width / k
        return maxPool(input, k, stride: k, padding: 0, height: max(1, oh), width: max(1, ow), compute)
    }

    /// `MaxPool2d(k, stride, padding)` (floor mode), e.g. ResNet's 3×3/2 with
    /// padding 1: windows clipped to the image (PyTorch pads with −inf).
    public static func maxPool(_ input: FeatureMap, _ k: Int, stride: Int, padding: Int, _ compute: Compute) -> FeatureMap {
        precondition(padding <= k / 2, "MaxPool2d's padding is at most half the kernel")
        let oh = (input.height + 2 * padding - k) / stride + 1, ow = (input.width + 2 * padding - k) / stride + 1
        precondition(oh > 0 && ow > 0, "input \(input.height)x\(input.width) is too small for a \(k)x\(k) max-pool")
        return maxPool(input, k, stride: stride, padding: padding, height: oh, width: ow, compute)
    }

    /// The pooling itself, into `height` × `width` outputs.
    private static func maxPool(_ input: FeatureMap, _ k: Int, stride: Int, padding: Int, height: Int, width: Int, _ compute: Compute) -> FeatureMap {
        let out = FeatureMap(channels: input.channels, height: height, width: width)
        compute.timed("maxpool\(k)x\(k)/\(stride) \(input.height)x\(input.width) \(input.channels)") {
            compute.parallel(input.channels) { _, range in
                seg_maxpool(input.channel(range.lowerBound), Int32(range.count), Int32(input.height), Int32(input.width),
                            Int32(k), Int32(stride), Int32(padding), Int32(out.height), Int32(out.width), out.channel(range.lowerBound))
            }
        }
        return out
    }

    /// Bilinear resize to `height` × `width` (`F.interpolate(mode="bilinear")`,
    /// no antialiasing).
    public static func resize(_ input: FeatureMap, height: Int, width: Int, alignCorners: Bool, _ compute: Compute) -> FeatureMap {
        if height == input.height && width == input.width { return input }
        let out = FeatureMap(channels: input.channels, height: height, width: width)
        compute.timed("bilinear \(input.height)x\(input.width)->\(height)x\(width) \(input.channels)") {
            compute.parallel(input.channels) { _, range in
                seg_bilinear(input.channel(range.lowerBound), Int32(range.count), Int32(input.height), Int32(input.width),
                             Int32(height), Int32(width), alignCorners ? 1 : 0, out.channel(range.lowerBound))
            }
        }
        return out
    }

    /// `F.interpolate(mode="nearest", size=(height, width))`: output pixel
    /// (y, x) copies input (⌊y · in/out⌋, ⌊x · in/out⌋), the scale in float32
    /// as PyTorch computes it.
    public static func nearestResize(_ input: FeatureMap, height: Int, width: Int, _ compute: Compute) -> FeatureMap {
        if height == input.height && width == input.width { return input }
        let ys = nearestSources(height, input.height), xs = nearestSources(width, input.width)
        let out = FeatureMap(channels: input.channels, height: height, width: width)
        compute.parallel(input.channels) { _, range in
            for c in range {
                let src = input.channel(c), dst = out.channel(c)
                for y in 0..<height {
                    let target = dst + y * width
                    // A row repeated from the one above (2× upsampling: every other row) is a copy.
                    if y > 0 && ys[y] == ys[y - 1] {
                        target.update(from: target - width, count: width)
                        continue
                    }
                    let row = src + ys[y] * input.width
                    for x in 0..<width { target[x] = row[xs[x]] }
                }
            }
        }
        return out
    }

    /// The source index of each of `out` positions when `size` positions are
    /// resized nearest-neighbour: ⌊i · size/out⌋, the scale in float32 as PyTorch computes it.
    static func nearestSources(_ out: Int, _ size: Int) -> [Int] {
        let scale = Float(size) / Float(out)
        return (0..<out).map { min(Int((Float($0) * scale).rounded(.down)), size - 1) }
    }

    /// The mean of every channel (float32 sums, as PyTorch's `mean` and
    /// `AdaptiveAvgPool2d(1)`): scSE's squeeze and ASPP's image pooling.
    static func channelMeans(_ x: FeatureMap) -> [Float] {
        (0..<x.channels).map { c in
            let p = x.channel(c)
            var sum: Float = 0
            for i in 0..<x.plane { sum += p[i] }
            return sum / Float(x.plane)
        }
    }

    /// The maps stacked along channels in one map (`torch.cat(dim=1)`).
    public static func concatenated(_ maps: [FeatureMap]) -> FeatureMap {
        if maps.count == 1 { return maps[0] }
        let out = FeatureMap(channels: maps.reduce(0) { $0 + $1.channels }, height: maps[0].height, width: maps[0].width)
        var offset = 0
        for m in maps {
            precondition(m.height == out.height && m.width == out.width, "concatenated maps differ in size")
            (out.data + offset).update(from: m.data, count: m.count)
            offset += m.count
        }
        return out
    }

    /// `F.pad(x, [left, right, top, bottom])` with zeros to reach `height` × `width`,
    /// splitting the difference as milesial's `Up` does (`diff // 2` before,
    /// the rest after); negative differences crop.
    public static func padCentered(_ input: FeatureMap, height: Int, width: Int) -> FeatureMap {
        if height == input.height && width == input.width { return input }
        let top = (height - input.height).floorDiv2, left = (width - input.width).floorDiv2
        return place(input, height: height, width: width, top: top, left: left)
    }

    /// A `height` × `width` map holding `input` with its top-left corner at
    /// (`top`, `left`) (negative offsets crop) and zeros elsewhere.
    public static func place(_ input: FeatureMap, height: Int, width: Int, top: Int, left: Int) -> FeatureMap {
        let out = FeatureMap(channels: input.channels, height: height, width: width)
        out.data.initialize(repeating: 0, count: out.count)
        let y0 = max(0, top), y1 = min(height, top + input.height)
        let x0 = max(0, left), x1 = min(width, left + input.width)
        guard y0 < y1, x0 < x1 else { return out }
        for c in 0..<input.channels {
            let src = input.channel(c), dst = out.channel(c)
            for y in y0..<y1 {
                (dst + y * width + x0).update(from: src + (y - top) * input.width + (x0 - left), count: x1 - x0)
            }
        }
        return out
    }

    /// `body` on `input` zero-padded at the bottom and right to multiples of
    /// `multiple`, its output (at the padded size) cropped at the top left to the input's size.
    public static func padded(_ input: FeatureMap, toMultipleOf multiple: Int, _ body: (FeatureMap) throws -> FeatureMap) rethrows -> FeatureMap {
        let h = input.height, w = input.width
        let ph = (h + multiple - 1) / multiple * multiple, pw = (w + multiple - 1) / multiple * multiple
        if ph == h && pw == w { return try body(input) }
        let out = try body(place(input, height: ph, width: pw, top: 0, left: 0))
        precondition(out.height == ph && out.width == pw, "the padded network's output is not at the padded size")
        return place(out, height: h, width: w, top: 0, left: 0)
    }

    /// Upsampling to `height` × `width` as smp's decoders do it:
    /// `F.interpolate(mode="nearest")`, or `mode="bilinear"` with
    /// `align_corners=False`.
    public static func upsampled(_ input: FeatureMap, height: Int, width: Int, bilinear: Bool, _ compute: Compute) -> FeatureMap {
        bilinear ? resize(input, height: height, width: width, alignCorners: false, compute) : nearestResize(input, height: height, width: width, compute)
    }

    /// Element-wise sum (U²-Net's residual connections), written into `a`.
    public static func addInPlace(_ a: FeatureMap, _ b: FeatureMap) {
        precondition(a.count == b.count, "added maps differ in size")
        for i in 0..<a.count { a.data[i] += b.data[i] }
    }

    /// Logistic sigmoid of every value, in place.
    public static func sigmoidInPlace(_ map: FeatureMap) {
        for i in 0..<map.count { map.data[i] = sigmoid(map.data[i]) }
    }

    /// 1 / (1 + e^−x), without overflow for large |x|.
    @inline(__always) public static func sigmoid(_ x: Float) -> Float {
        x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x))
    }
}

extension Int {
    /// Python's `x // 2` (rounds toward −∞).
    var floorDiv2: Int { self >= 0 ? self / 2 : -((-self + 1) / 2) }
}

extension Operations {
    /// A mirrored copy (vertical: rows reversed, horizontal: columns reversed).
    public static func flipped(_ input: FeatureMap, vertical: Bool, horizontal: Bool) -> FeatureMap {
        let out = FeatureMap(channels: input.channels, height: input.height, width: input.width)
        let h = input.height, w = input.width
        for c in 0..<input.channels {
            let src = input.channel(c), dst = out.channel(c)
            for y in 0..<h {
                let s = src + (vertical ? h - 1 - y : y) * w, d = dst + y * w
                if horizontal { for x in 0..<w { d[x] = s[w - 1 - x] } } else { d.update(from: s, count: w) }
            }
        }
        return out
    }

    /// Multiplies every value by `factor`, in place.
    public static func scaleInPlace(_ map: FeatureMap, _ factor: Float) {
        for i in 0..<map.count { map.data[i] *= factor }
    }
}
