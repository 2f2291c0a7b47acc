import SegCore
import SegImage

/// Prediction levels of one image and how they become classes.
public struct Prediction: Sendable {
    public let width: Int, height: Int
    /// 8-bit levels (gray, luma of RGB, palette indices), or nil for 16-bit.
    public let levels8: [UInt8]?
    public let levels16: [UInt16]?
    /// 255 or 65535: the level that means probability 1.
    public let scale: Int
    /// Class of each level, -1 where the level is not a class.
    public let classOfLevel: [Int]

    /// The level of pixel `i` (for per-pixel outputs, not hot loops).
    public func level(at i: Int) -> Int { levels8.map { Int($0[i]) } ?? Int(levels16![i]) }

    /// The levels of a decoded prediction and their classes under `mode` and `threshold`.
    public init(_ image: Image, format: ImageFormat, path: String, mode: PredValues, classes k: Int, threshold: Double) {
        width = image.width
        height = image.height
        let oneBit = image.sourceBitDepth == 1 && image.colorModel != .palette
        if image.is16Bit && image.colorModel != .palette && image.colorModel != .rgb && image.colorModel != .rgba,
           case .values16(let v)? = image.labelPlane() {
            levels16 = v
            levels8 = nil
            scale = 65535
        } else {
            levels8 = ReferenceGray.levels(image, format: format)
            levels16 = nil
            scale = 255
        }
        var resolved = mode
        if mode == .auto {
            if k > 2 || oneBit || image.colorModel == .palette {
                resolved = .index
            } else if let l = levels8, l.allSatisfy({ $0 <= 1 }), l.contains(1) {
                resolved = .index
            } else {
                resolved = .probability
            }
        }
        let count = scale + 1, top = Double(scale)
        switch resolved {
        case .probability, .auto:
            // Levels below the first with level / top ≥ threshold are 0, the rest 1 (the ratio grows with the level).
            var first = threshold.isFinite && threshold >= 0 && threshold <= 1 ? max(Int((threshold * top).rounded(.down)) - 1, 0) : 0
            if threshold.isNaN { first = count }  // NaN: no level reaches it
            while first < count && !(Double(first) / top >= threshold) { first += 1 }
            classOfLevel = [Int](repeating: 0, count: first) + [Int](repeating: 1, count: count - first)
        case .index:
            if oneBit {
                classOfLevel = (0..<count).map { $0 == 0 ? 0 : ($0 == 255 ? 1 : -1) }
            } else {
                classOfLevel = (0..<count).map { $0 < k ? $0 : -1 }
            }
        }
    }
}
