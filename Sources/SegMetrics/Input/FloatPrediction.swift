import SegImage

/// Float TIFF probability maps as predictions: what `segpredict --format
/// tiff32` writes (one page per output class) and what many Python scripts
/// save. Probabilities are quantised to the 16-bit scale (v · 65535, rounded),
/// so they go through the same 16-bit prediction path as 16-bit PNG maps.
public enum FloatPrediction {
    /// The prediction image of a float TIFF: one page → that page's
    /// probabilities; two pages with two classes → page 1 (the foreground of
    /// a softmax, as segpredict's PNG maps); `classes` pages → the argmax
    /// class of every pixel (8-bit class indices). Values outside [0, 1] or
    /// NaN are an error naming the file.
    public static func image(_ bytes: [UInt8], path: String, classes: Int) throws -> Image {
        let pages = try FloatTIFF.decode(bytes, path: path)
        guard let first = pages.first else { throw EvalError(.input, "\(path): float TIFF without pages") }
        for (index, page) in pages.enumerated() {
            guard page.width == first.width, page.height == first.height else {
                throw EvalError(.input, "\(path): page \(index) is \(page.width)x\(page.height) but page 0 is \(first.width)x\(first.height)")
            }
            if let bad = page.values.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
                throw EvalError(.input, "\(path): page \(index) holds \(page.values[bad]) at pixel (\(bad % page.width), \(bad / page.width)); float prediction maps must be probabilities in [0, 1]")
            }
        }
        if pages.count == 1 || (pages.count == 2 && classes == 2) {
            let probabilities = pages[pages.count - 1].values
            let levels = probabilities.map { UInt16(($0 * 65535).rounded()) }
            return Image(width: first.width, height: first.height, colorModel: .gray, samples: .uint16(levels))
        }
        guard pages.count == classes else {
            throw EvalError(.input, "\(path): \(pages.count) float pages, but \(setting: .numClasses) is \(classes) (one page per class, or one probability page)")
        }
        var best = [UInt8](repeating: 0, count: first.values.count)
        var top = first.values
        for c in 1..<pages.count {
            let v = pages[c].values
            for i in v.indices where v[i] > top[i] { top[i] = v[i]; best[i] = UInt8(c) }
        }
        return Image.gray8(width: first.width, height: first.height, pixels: best)
    }
}
