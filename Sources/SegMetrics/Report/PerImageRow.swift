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

    /// The column names after `key,gt,pred,width,height` for a configuration
    /// (``MetricRegistry/perImageColumns(config:)``).
    public static func metricColumns(config: EvalConfig) -> [String] {
        MetricRegistry.perImageColumns(config: config).map(\.key)
    }

    /// The CSV header.
    public static func header(config: EvalConfig, models: Bool) -> [String] {
        (models ? ["model"] : []) + ["key", "gt", "pred", "width", "height"] + metricColumns(config: config)
    }

    /// The row of one image's result.
    public init(_ r: ImageResult, config: EvalConfig) {
        key = r.key; gt = r.gtPath; pred = r.predPath; width = r.width; height = r.height
        let values = MetricRegistry.values(r, config: config)
        self.values = MetricRegistry.perImageColumns(config: config).map { ($0.key, $0.value(in: values)) }
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
