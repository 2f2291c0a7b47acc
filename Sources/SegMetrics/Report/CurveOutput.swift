import Foundation
import SegCore

/// The curves outputs: `--curves FILE.csv` and `--plot DIR`.
public enum CurveOutput {
    /// CSV with one row per prediction set and threshold 0…255.
    public static func csv(_ results: [EvalResults]) -> String {
        var lines = ["pred,threshold,precision,recall,F,Em"]
        for r in results where !r.fCurve.isEmpty || !r.eCurve.isEmpty {
            for t in 0..<256 {
                func cell(_ curve: [Double]) -> String { curve.isEmpty ? "" : EvalReport.cell(curve[t]) }
                lines.append(CSV.line([r.name, String(t), cell(r.precision), cell(r.recall), cell(r.fCurve), cell(r.eCurve)]))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The precision–recall chart and the F-measure-by-threshold chart.
    public static func charts(_ results: [EvalResults]) -> (pr: LineChart, f: LineChart) {
        let unit = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
        var pr = LineChart(title: "Precision–recall (256 thresholds)", xLabel: "Recall", yLabel: "Precision",
                           xRange: 0...1, yRange: 0...1, xTicks: unit, yTicks: unit)
        var f = LineChart(title: "F-measure by threshold", xLabel: "Threshold (8-bit prediction ≥ t)", yLabel: "F-measure",
                          xRange: 0...255, yRange: 0...1, xTicks: [0, 32, 64, 96, 128, 160, 192, 224, 255], yTicks: unit)
        for r in results where !r.fCurve.isEmpty {
            let maxF = r.value("maxF").map { String(format: " (maxF %.3f)", $0) } ?? ""
            pr.series.append(.init(name: r.name + maxF, points: (0..<256).map { (r.recall[$0], r.precision[$0]) }))
            f.series.append(.init(name: r.name + maxF, points: (0..<256).map { (Double($0), r.fCurve[$0]) }))
        }
        return (pr, f)
    }
}
