import SegCore
import Foundation
import SegImage

/// Turns images into network outputs: pixel conversion and normalisation,
/// optional fixed-size resizing, sliding-window tiling with Gaussian blending,
/// flip test-time augmentation, and the output activation.
public final class Predictor: @unchecked Sendable {
    public let model: LoadedModel
    public let settings: ResolvedPreprocessing
    /// Sliding-window side (nil: whole image at once) and overlap fraction.
    public let tile: Int?, overlap: Double
    /// Average over identity, horizontal, vertical and both flips.
    public let flipTTA: Bool
    /// Convert grey ↔ RGB to the model's channel count instead of refusing.
    public let convertChannels: Bool
    let compute: Compute

    public init(model: LoadedModel, settings: ResolvedPreprocessing, tile: Int? = nil, overlap: Double = 0.25,
                flipTTA: Bool = false, convertChannels: Bool = false, compute: Compute) {
        self.model = model
        self.settings = settings
        self.tile = tile
        self.overlap = overlap
        self.flipTTA = flipTTA
        self.convertChannels = convertChannels
        self.compute = compute
    }

    var network: any SegmentationNetwork { model.network }

    /// The same predictor running on other threads (one lane of `--batch`).
    public func with(compute: Compute) -> Predictor {
        Predictor(model: model, settings: settings, tile: tile, overlap: overlap, flipTTA: flipTTA,
                  convertChannels: convertChannels, compute: compute)
    }

    // MARK: Pixels in

    /// The network input for `image`: channels matched to the model (alpha is
    /// dropped; grey ↔ RGB only with `convertChannels`), 16-bit samples divided
    /// by 257, then `scale`, `mean`, `std`.
    public func input(from image: Image, path: String = "") throws -> FeatureMap {
        let want = settings.channels
        var planes = try Self.channelPlanes(image)
        if planes.count != want {
            switch (planes.count, want, convertChannels) {
            case (1, 3, true):
                planes = [planes[0], planes[0], planes[0]]
            case (3, 1, true):
                // Pillow's convert("L"): ITU-R 601-2 luma in 16-bit fixed point.
                let (r, g, b) = (planes[0], planes[1], planes[2])
                planes = [(0..<r.count).map { i in
                    let sum = Int(r[i]) * 19595 + Int(g[i]) * 38470 + Int(b[i]) * 7471 + 0x8000
                    return Float(sum >> 16)
                }]
            default:
                let hint: Message = (planes.count == 1 && want == 3) || (planes.count == 3 && want == 1) ? " (\(setting: .convert) converts grey and RGB)" : ""
                throw ModelError(path: path, "image has \(planes.count) channel\(planes.count == 1 ? "" : "s"), the model reads \(want)\(hint)")
            }
        }
        let map = FeatureMap(channels: want, height: image.height, width: image.width)
        for c in 0..<want {
            let dst = map.channel(c)
            let scale = settings.scale / settings.std[c], shift = settings.mean[c] / settings.std[c]
            planes[c].withUnsafeBufferPointer { src in
                for i in 0..<src.count { dst[i] = src[i] * scale - shift }
            }
        }
        return map
    }

    /// One float plane per colour channel (alpha dropped, palettes expanded),
    /// values on the 0–255 scale.
    static func channelPlanes(_ image: Image) throws -> [[Float]] {
        let n = image.pixelCount, stride = image.channels
        var colour = stride
        if image.colorModel == .grayAlpha || image.colorModel == .rgba { colour -= 1 }
        switch image.samples {
        case .uint8(let s):
            if image.colorModel == .palette {
                let pal = image.palette
                return [0, 1, 2].map { c in
                    (0..<n).map { i in
                        let e = Int(s[i]) < pal.count ? pal[Int(s[i])] : RGBA(0, 0, 0)
                        return Float(c == 0 ? e.r : c == 1 ? e.g : e.b)
                    }
                }
            }
            return (0..<colour).map { c in (0..<n).map { Float(s[$0 * stride + c]) } }
        case .uint16(let s):
            return (0..<colour).map { c in (0..<n).map { Float(s[$0 * stride + c]) / 257 } }
        }
    }

    // MARK: Network

    /// The raw network output (logits, or probabilities for networks ending in
    /// a sigmoid) for a prepared input, at the input's size.
    public func rawOutput(_ input: FeatureMap) throws -> FeatureMap {
        guard let side = settings.resize else { return try tiled(input) }
        let small = Operations.resize(input, height: side, width: side, alignCorners: false, compute)
        let out = try tiled(small)
        return Operations.resize(out, height: input.height, width: input.width, alignCorners: false, compute)
    }

    private func tiled(_ input: FeatureMap) throws -> FeatureMap {
        guard let tile, tile < input.height || tile < input.width else { return try augmented(input) }
        return try SlidingWindow(side: tile, overlap: overlap).run(input) { try augmented($0) }
    }

    private func augmented(_ input: FeatureMap) throws -> FeatureMap {
        guard flipTTA else { return try forward(input) }
        let sum = try forward(input)
        for (vertical, horizontal) in [(false, true), (true, false), (true, true)] {
            let out = try forward(Operations.flipped(input, vertical: vertical, horizontal: horizontal))
            Operations.addInPlace(sum, Operations.flipped(out, vertical: vertical, horizontal: horizontal))
        }
        Operations.scaleInPlace(sum, 0.25)
        return sum
    }

    private func forward(_ input: FeatureMap) throws -> FeatureMap {
        let minimum = network.minimumSide
        guard input.height >= minimum && input.width >= minimum else {
            throw ModelError("input of \(input.width)x\(input.height) is smaller than the \(minimum)x\(minimum) this \(network.architecture.displayName) needs")
        }
        return try compute.pass { try network.forward(input, compute) }
    }

    // MARK: Probabilities out

    /// Applies the output activation in place (sigmoid per value, softmax across
    /// channels per pixel).
    public func activate(_ map: FeatureMap) {
        switch settings.activation {
        case .none: return
        case .sigmoid: Operations.sigmoidInPlace(map)
        case .softmax:
            let c = map.channels, plane = map.plane
            for i in 0..<plane {
                var top = -Float.infinity
                for k in 0..<c { top = max(top, map.data[k * plane + i]) }
                var sum: Float = 0
                for k in 0..<c {
                    let e = exp(map.data[k * plane + i] - top)
                    map.data[k * plane + i] = e
                    sum += e
                }
                for k in 0..<c { map.data[k * plane + i] /= sum }
            }
        }
    }

    /// Probabilities (after the activation) for one image.
    public func probabilities(_ image: Image, path: String = "") throws -> FeatureMap {
        let raw = try rawOutput(try input(from: image, path: path))
        activate(raw)
        return raw
    }
}
