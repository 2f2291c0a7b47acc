/// One metric as every output names it: declared once by its family (see
/// ``MetricFamily``) and found through ``MetricRegistry``. The report
/// columns, the JSON keys, the per-image CSV columns, the gates, `--worst-by`
/// and the table in docs/metrics.md all come from these declarations.
public struct Metric: Sendable, Hashable, CustomStringConvertible {
    /// The name as printed: the table and CSV column, the JSON key, the
    /// name gates and `--worst-by` take (`MAE`, `maxF`, `mIoU`). A
    /// per-class metric's classes are `KEY_CLASS` (`IoU_1`) in CSV columns
    /// and gates, and one JSON list under `KEY`.
    public let key: String
    /// The `--metrics` group that computes it (``MetricGroup/token``).
    public let group: String
    /// Whether larger or smaller values are better (gates, `--worst`, `--baseline`).
    public let direction: MetricDirection
    /// One value, one per class, or the mean of a per-class metric.
    public let shape: MetricShape
    /// Compared with `--baseline` unless `--compare` names others: the
    /// headline numbers papers and CI gates use. For a per-class metric
    /// this means its foreground entry (``foreground``).
    public let headline: Bool
    /// Per-class only: for two classes, class 1's value is also shown in the
    /// table and the JSON beside the class means (`IoU_1`, `Dice_1`).
    public let foreground: Bool
    /// One line for the documentation table.
    public let summary: String
    /// Defined for two classes only (sensitivity, specificity, MCC).
    public let binaryOnly: Bool
    /// Reported for more than two classes only (a per-class breakdown that
    /// for binary data would repeat its scalar).
    public let multiClassOnly: Bool
    /// Its values are whole numbers (object counts), printed without decimals in tables.
    public let isCount: Bool

    /// Declares a metric (see the properties for each argument).
    public init(key: String, group: String, direction: MetricDirection = .higherIsBetter, shape: MetricShape = .scalar,
                headline: Bool = false, foreground: Bool = false, binaryOnly: Bool = false, multiClassOnly: Bool = false,
                isCount: Bool = false, summary: String) {
        self.key = key
        self.group = group
        self.direction = direction
        self.shape = shape
        self.headline = headline
        self.foreground = foreground
        self.summary = summary
        self.binaryOnly = binaryOnly
        self.multiClassOnly = multiClassOnly
        self.isCount = isCount
    }

    /// The mean over classes of the per-class metric `list` (`mIoU` of `IoU`),
    /// a metric of its own, in the same group and direction.
    public static func classMean(of list: Metric, headline: Bool = false) -> Metric {
        Metric(key: "m" + list.key, group: list.group, direction: list.direction, shape: .classMean(of: list.key),
               headline: headline, summary: "mean of the defined `\(list.key)` entries")
    }

    /// The key.
    public var description: String { key }
}
