import Foundation
import SegCore

/// A line chart written as standalone SVG: axes with ticks and labels, a
/// title and a legend, one polyline per series.
public struct LineChart: Sendable {
    /// One named polyline.
    public struct Series: Sendable {
        public let name: String
        public let points: [(x: Double, y: Double)]
        /// A series of `points` in data coordinates.
        public init(name: String, points: [(x: Double, y: Double)]) {
            self.name = name
            self.points = points
        }
    }

    public var title: String
    public var xLabel: String, yLabel: String
    public var xRange: ClosedRange<Double>, yRange: ClosedRange<Double>
    public var xTicks: [Double], yTicks: [Double]
    public var series: [Series] = []

    /// Colour-blind-safe palette (Okabe–Ito).
    static let colors = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]

    /// A chart with no series yet.
    public init(title: String, xLabel: String, yLabel: String, xRange: ClosedRange<Double>, yRange: ClosedRange<Double>,
                xTicks: [Double], yTicks: [Double]) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel
        self.xRange = xRange; self.yRange = yRange; self.xTicks = xTicks; self.yTicks = yTicks
    }

    /// The SVG document.
    /// The legend sits below the plot, where it hides no curve (good PR
    /// curves run along the top right), on its own background; each row is
    /// cut with "…" to fit the chart's width. `height` is the plot part; the
    /// document grows by the legend's rows.
    public func svg(width: Double = 640, height plotHeight: Double = 480) -> String {
        let left = 70.0, right = 20.0, top = 40.0, bottom = 55.0
        let rowHeight = 18.0, legendPad = 8.0
        let legendHeight = series.isEmpty ? 0 : Double(series.count) * rowHeight + 2 * legendPad
        let height = plotHeight + legendHeight
        let plotW = width - left - right, plotH = plotHeight - top - bottom
        func px(_ x: Double) -> Double { left + (x - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound) * plotW }
        func py(_ y: Double) -> Double { top + plotH - (y - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound) * plotH }
        func n(_ v: Double) -> String { String(format: "%.2f", v) }
        func tick(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(format: "%g", v) }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        s += "<text x=\"\(n(width / 2))\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">\(Self.escape(title))</text>\n"
        for t in xTicks {
            s += "<line x1=\"\(n(px(t)))\" y1=\"\(n(top))\" x2=\"\(n(px(t)))\" y2=\"\(n(top + plotH))\" stroke=\"#e5e5e5\"/>\n"
            s += "<line x1=\"\(n(px(t)))\" y1=\"\(n(top + plotH))\" x2=\"\(n(px(t)))\" y2=\"\(n(top + plotH + 5))\" stroke=\"black\"/>\n"
            s += "<text x=\"\(n(px(t)))\" y=\"\(n(top + plotH + 19))\" text-anchor=\"middle\">\(tick(t))</text>\n"
        }
        for t in yTicks {
            s += "<line x1=\"\(n(left))\" y1=\"\(n(py(t)))\" x2=\"\(n(left + plotW))\" y2=\"\(n(py(t)))\" stroke=\"#e5e5e5\"/>\n"
            s += "<line x1=\"\(n(left - 5))\" y1=\"\(n(py(t)))\" x2=\"\(n(left))\" y2=\"\(n(py(t)))\" stroke=\"black\"/>\n"
            s += "<text x=\"\(n(left - 8))\" y=\"\(n(py(t) + 4))\" text-anchor=\"end\">\(tick(t))</text>\n"
        }
        s += "<rect x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(plotW))\" height=\"\(n(plotH))\" fill=\"none\" stroke=\"black\"/>\n"
        s += "<text x=\"\(n(left + plotW / 2))\" y=\"\(n(plotHeight - 12))\" text-anchor=\"middle\">\(Self.escape(xLabel))</text>\n"
        if !series.isEmpty {
            s += "<rect x=\"\(n(left))\" y=\"\(n(plotHeight))\" width=\"\(n(plotW))\" height=\"\(n(legendHeight - legendPad))\" fill=\"#f7f7f7\" stroke=\"#cccccc\"/>\n"
        }
        // About 7 px a character at 12 px sans-serif: cut names that would run past the edge.
        let maxCharacters = max(8, Int((plotW - 45) / 7))
        s += "<text transform=\"translate(18 \(n(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(Self.escape(yLabel))</text>\n"
        for (i, line) in series.enumerated() {
            let color = Self.colors[i % Self.colors.count]
            let points = line.points.filter { $0.x.isFinite && $0.y.isFinite }
                .map { "\(n(px($0.x))),\(n(py($0.y)))" }.joined(separator: " ")
            s += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(points)\"/>\n"
            let ly = plotHeight + legendPad + rowHeight / 2 + Double(i) * rowHeight
            let name = line.name.count > maxCharacters ? String(line.name.prefix(maxCharacters - 1)) + "…" : line.name
            s += "<line x1=\"\(n(left + 10))\" y1=\"\(n(ly))\" x2=\"\(n(left + 35))\" y2=\"\(n(ly))\" stroke=\"\(color)\" stroke-width=\"2\"/>\n"
            s += "<text x=\"\(n(left + 40))\" y=\"\(n(ly + 4))\"><title>\(Self.escape(line.name))</title>\(Self.escape(name))</text>\n"
        }
        return s + "</svg>\n"
    }

    /// XML escaping by Unicode scalar: `<` followed by a combining mark is one
    /// Swift `Character` that is not `<`, but it is still a `<` to an XML parser.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
