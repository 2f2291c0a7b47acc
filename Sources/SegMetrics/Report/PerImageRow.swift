import Foundation
import SegCore

/// One row of the `--per-image` CSV: every metric of one image.
public struct PerImageRow: Sendable {
    public let key: String
    public let gt: String
    public let pred: String
    public let width: Int, height: Int
    /// Metric name → value (NaN when undefined), in column order.
    public let values: [(name: String, value: Double)]

    /// The column names after `key,gt,pred,width,height` for a configuration.
    public static func metricColumns(config: EvalConfig) -> [String] {
        var names: [String] = []
        if config.salientEnabled {
            let s = config.salient
            if s.mae { names.append("MAE") }
            if s.fMeasure { names += ["adpF", "maxF", "meanF"] }
            if s.sMeasure { names.append("Sm") }
            if s.eMeasure { names += ["adpEm", "maxEm", "meanEm"] }
            if s.weightedF { names.append("wF") }
        }
        if config.confusion {
            names += ["aAcc", "mIoU", "mDice"]
            for c in 0..<config.classes { names.append("IoU_\(c)") }
            for c in 0..<config.classes { names.append("Dice_\(c)") }
        }
        return names
    }

    /// The CSV header.
    public static func header(config: EvalConfig, models: Bool) -> [String] {
        (models ? ["model"] : []) + ["key", "gt", "pred", "width", "height"] + metricColumns(config: config)
    }

    public init(_ r: ImageResult, config: EvalConfig) {
        key = r.key; gt = r.gtPath; pred = r.predPath; width = r.width; height = r.height
        var map: [String: Double] = [:]
        if let s = r.salient {
            map["MAE"] = s.mae ?? .nan
            map["adpF"] = s.adaptiveF ?? .nan
            let f = curveSummary(s.fCurve)
            (map["maxF"], map["meanF"]) = (f.max, f.mean)
            map["Sm"] = s.sMeasure ?? .nan
            map["adpEm"] = s.adaptiveE ?? .nan
            let e = curveSummary(s.eCurve)
            (map["maxEm"], map["meanEm"]) = (e.max, e.mean)
            map["wF"] = s.weightedF ?? .nan
        }
        if let c = r.classScores {
            map["aAcc"] = c.aAcc ?? .nan
            map["mIoU"] = meanOfDefined(c.iou)
            map["mDice"] = meanOfDefined(c.dice)
            for (i, v) in c.iou.enumerated() { map["IoU_\(i)"] = v ?? .nan }
            for (i, v) in c.dice.enumerated() { map["Dice_\(i)"] = v ?? .nan }
        }
        values = Self.metricColumns(config: config).map { ($0, map[$0] ?? .nan) }
    }

    /// A metric by name.
    public func value(_ name: String) -> Double? { values.first { $0.name == name }?.value }

    /// The row as CSV (see ``EvalReport/cell(_:)``).
    public func csv(model: String?) -> String {
        let cells = (model.map { [$0] } ?? []) + [key, gt, pred, String(width), String(height)]
            + values.map { EvalReport.cell($0.value) }
        return CSV.line(cells)
    }
}
