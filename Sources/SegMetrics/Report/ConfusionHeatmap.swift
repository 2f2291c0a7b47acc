import Foundation

/// The confusion matrix as a standalone SVG heat map (`--plot DIR` writes
/// `confusion.svg`): rows are ground-truth classes, columns predicted
/// classes, each cell shaded by its share of the row (the class's recall on
/// the diagonal) and labelled with that share and the pixel count when
/// there is room.
public struct ConfusionHeatmap: Sendable {
    public let title: String
    public let matrix: ConfusionMatrix

    /// A heat map of `matrix` under `title`.
    public init(title: String, matrix: ConfusionMatrix) {
        self.title = title
        self.matrix = matrix
    }

    /// The SVG document.
    public func svg() -> String {
        let k = matrix.classes
        let cell = max(4.0, min(64.0, 512.0 / Double(k)))
        let left = 86.0, top = 64.0, side = cell * Double(k)
        let width = max(left + side + 24, Double(title.count) * 7.5 + 40), height = max(top + side + 48, 280)
        let labelled = cell >= 44
        func n(_ v: Double) -> String { String(format: "%.2f", v) }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(width))\" height=\"\(n(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        s += "<text x=\"\(n(width / 2))\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">\(LineChart.escape(title))</text>\n"
        s += "<text x=\"\(n(left + side / 2))\" y=\"46\" text-anchor=\"middle\">predicted class</text>\n"
        s += "<text transform=\"translate(16 \(n(top + side / 2))) rotate(-90)\" text-anchor=\"middle\">ground-truth class (row shares)</text>\n"
        for g in 0..<k {
            let rowTotal = Double(matrix.label(g))
            for p in 0..<k {
                let count = matrix.counts[g * k + p]
                let share = rowTotal > 0 ? Double(count) / rowTotal : 0
                // White to Okabe–Ito blue (#0072B2) by the row share.
                let r = Int((255 - share * 255).rounded()), gr = Int((255 - share * (255 - 114)).rounded()), b = Int((255 - share * (255 - 178)).rounded())
                let x = left + Double(p) * cell, y = top + Double(g) * cell
                s += "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(cell))\" height=\"\(n(cell))\" fill=\"rgb(\(r),\(gr),\(b))\" stroke=\"#ccc\" stroke-width=\"0.5\">"
                s += "<title>GT \(g), predicted \(p): \(count) pixels (\(String(format: "%.4f", share)) of the row)</title></rect>\n"
                if labelled {
                    let ink = share > 0.55 ? "white" : "black"
                    s += "<text x=\"\(n(x + cell / 2))\" y=\"\(n(y + cell / 2 - 2))\" text-anchor=\"middle\" fill=\"\(ink)\">\(String(format: "%.2f", share))</text>\n"
                    s += "<text x=\"\(n(x + cell / 2))\" y=\"\(n(y + cell / 2 + 12))\" text-anchor=\"middle\" font-size=\"9\" fill=\"\(ink)\">\(count)</text>\n"
                }
            }
            if cell >= 12 {
                s += "<text x=\"\(n(left - 6))\" y=\"\(n(top + (Double(g) + 0.5) * cell + 4))\" text-anchor=\"end\">\(g)</text>\n"
                s += "<text x=\"\(n(left + (Double(g) + 0.5) * cell))\" y=\"\(n(top + side + 16))\" text-anchor=\"middle\">\(g)</text>\n"
            }
        }
        return s + "</svg>\n"
    }
}
