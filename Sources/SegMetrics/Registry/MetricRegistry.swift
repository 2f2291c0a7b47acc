/// Every metric `segeval` knows, and everything derived from the list:
/// report and per-image columns, the names gates accept, `--worst-by`'s
/// default, directions, curves and the documentation table.
public enum MetricRegistry {
    /// The families, in documentation and `--metrics` order. Adding a family
    /// is a folder declaring its ``MetricFamily`` plus one entry here.
    public static let families: [MetricFamily] = [.confusion, .salient, .roc, .distance, .instance, .connectomics]

    /// Whether any family `config` computes reads the ground truth's classes
    /// (see ``MetricFamily/readsGTClasses(_:labels16:)``); when none does, the
    /// evaluator neither binarises the ground truth nor warns about its values.
    public static func readsGTClasses(_ config: EvalConfig, labels16: Bool) -> Bool {
        families.contains { $0.readsGTClasses(config, labels16: labels16) }
    }

    /// The families in report-column order (``MetricFamily/reportRank``).
    public static let reportFamilies: [MetricFamily] = families.sorted { $0.reportRank < $1.reportRank }

    /// Every metric, family by family.
    public static var metrics: [Metric] { families.flatMap(\.metrics) }

    /// Every `--metrics` group, family by family.
    public static var groups: [MetricGroup] { families.flatMap(\.groups) }

    /// The `--metrics` names that stand for several groups, family by family.
    public static var aliases: [String: [String]] {
        families.reduce(into: [:]) { $0.merge($1.aliases) { a, _ in a } }
    }

    /// The family declaring `metric`.
    public static func family(of metric: Metric) -> MetricFamily? {
        families.first { $0.metrics.contains(metric) }
    }

    /// The metric and class a column name stands for: `MAE`, `mIoU`, or
    /// `IoU_1` (a per-class metric's class); nil for an unknown name.
    public static func column(named name: String) -> MetricColumn? {
        if let at = name.firstIndex(of: "@"), let m = metrics.first(where: { $0.key == name[..<at] && $0.shape == .perThreshold }) {
            return MetricColumn(m, threshold: String(name[name.index(after: at)...]))
        }
        if let m = metrics.first(where: { $0.key == name && $0.shape != .perClass && $0.shape != .perThreshold }) { return MetricColumn(m) }
        guard let underscore = name.lastIndex(of: "_"), let c = Int(name[name.index(after: underscore)...]), c >= 0,
              let m = metrics.first(where: { $0.key == name[..<underscore] && $0.shape == .perClass }) else { return nil }
        return MetricColumn(m, classIndex: c)
    }

    /// Whether smaller is better for the metric a column name stands for.
    public static func isLowerBetter(_ name: String) -> Bool {
        column(named: name)?.metric.direction == .lowerIsBetter
    }

    /// The metrics `config` reports, in report order: scalars and class means
    /// (the summary row), and per-class metrics (the per-class table).
    public static func reportMetrics(config: EvalConfig) -> (scalars: [Metric], lists: [Metric]) {
        let computed = reportFamilies.flatMap { f in f.metrics.filter { f.computes($0, config: config) } }
        return (computed.filter { $0.shape != .perClass }, computed.filter { $0.shape == .perClass })
    }

    /// Every column name `config` reports, scalars (`KEY@τ` per threshold)
    /// then per-class `KEY_CLASS` (the names gates, `--compare` and
    /// `EvalResults/value(_:)` accept).
    public static func reportedColumns(config: EvalConfig) -> [MetricColumn] {
        let report = reportMetrics(config: config)
        return report.scalars.flatMap { columns(of: $0, config: config) } + report.lists.flatMap { columns(of: $0, config: config) }
    }

    /// A metric's columns under `config`: one, one per class, or one per IoU threshold.
    public static func columns(of m: Metric, config: EvalConfig) -> [MetricColumn] {
        switch m.shape {
        case .perClass: return (0..<config.classes).map { MetricColumn(m, classIndex: $0) }
        case .perThreshold: return (config.instance ?? InstanceOptions()).iouThresholds.map { MetricColumn(m, threshold: $0) }
        case .scalar, .classMean: return [MetricColumn(m)]
        }
    }

    /// The foreground columns shown beside the class means for two classes (`IoU_1`, `Dice_1`).
    public static func foregroundColumns(config: EvalConfig) -> [MetricColumn] {
        guard config.classes == 2 else { return [] }
        return reportMetrics(config: config).lists.filter(\.foreground).map { MetricColumn($0, classIndex: 1) }
    }

    /// The `--per-image` CSV columns after `key,gt,pred,width,height`.
    public static func perImageColumns(config: EvalConfig) -> [MetricColumn] {
        reportFamilies.flatMap { f in
            f.perImage.filter { f.computes($0, config: config) }.flatMap { columns(of: $0, config: config) }
        }
    }

    /// `--worst-by` without a value: the first default (``MetricFamily/worstByDefaults``,
    /// family by family) that `config` computes, else the last one (which
    /// then fails validation by name).
    public static func defaultWorstBy(config: EvalConfig) -> String {
        let candidates = families.flatMap { f in f.worstByDefaults.map { (f, $0) } }
        return (candidates.first { $0.0.computes($0.1, config: config) } ?? candidates.last!).1.key
    }

    /// `--worst-by`'s defaults in order (`mIoU`, `wF`, `maxF`).
    public static var worstByDefaults: [Metric] { families.flatMap(\.worstByDefaults) }

    /// The headline columns `--baseline` compares when `--compare` is not given,
    /// in documentation order, whether or not a run computes them.
    public static var headline: [(metric: Metric, foregroundOnly: Bool)] {
        families.flatMap { f in f.metrics.filter(\.headline).map { ($0, $0.shape == .perClass) } }
    }

    /// The headline columns `config` reports (``headline``; a per-class
    /// metric's foreground entry only for two classes).
    public static func defaultComparison(config: EvalConfig) -> [String] {
        let known = Set(reportedColumns(config: config).map(\.key))
        return headline.compactMap { entry -> String? in
            if entry.foregroundOnly { return config.classes == 2 ? MetricColumn(entry.metric, classIndex: 1).key : nil }
            return entry.metric.key
        }.filter(known.contains)
    }

    /// The headline column names as `--help` lists them (`IoU_1` for a per-class metric).
    public static var headlineNames: [String] {
        headline.map { $0.foregroundOnly ? MetricColumn($0.metric, classIndex: 1).key : $0.metric.key }
    }

    /// Whether `config` computes a group with curves (`--curves`, `--plot`).
    public static func hasCurves(config: EvalConfig) -> Bool {
        families.contains { f in f.isAvailable(config.classes) && f.groups.contains { $0.hasCurves && $0.isOn(config) } }
    }

    /// The groups with curves (`f`, `e`), for messages.
    public static var curveGroups: [String] { groups.filter(\.hasCurves).map(\.token) }

    /// The values of every family `config` computes for one dataset.
    public static func values(_ state: EvalState) -> MetricValues {
        var out = MetricValues()
        for f in reportFamilies where f.isEnabled(state.config) { out.merge(f.values(state)) }
        return out
    }

    /// The values of every family `config` computes for one image.
    public static func values(_ result: ImageResult, config: EvalConfig) -> MetricValues {
        var out = MetricValues()
        for f in reportFamilies where f.isEnabled(config) { out.merge(f.values(result)) }
        return out
    }

    /// The metrics as a Markdown table (docs/metrics.md holds a copy; a test
    /// fails when the two differ).
    public static func markdownTable() -> String {
        var lines = ["| metric | family | `--metrics` | better | values | per image | meaning |", "|---|---|---|---|---|---|---|"]
        for f in families {
            for m in f.metrics {
                let shape: String
                switch m.shape {
                case .scalar: shape = "one"
                case .perClass: shape = "per class: JSON list `\(m.key)`, columns `\(m.key)_0`…"
                case .classMean(let list): shape = "mean of `\(list)`"
                case .perThreshold: shape = "per IoU threshold: `\(m.key)@τ`"
                }
                let better = m.direction == .higherIsBetter ? "higher" : "lower"
                let perImage = f.perImage.contains(m) ? "yes" : "no"
                lines.append("| `\(m.key)` | \(f.id) | `\(m.group)` | \(better) | \(shape) | \(perImage) | \(m.summary) |")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension MetricRegistry {
    /// The names gates take, for `--help`: every scalar and class mean, and
    /// the per-class metrics as `NAME_CLASS`.
    public static var gateNamesHelp: String {
        let scalars = metrics.filter { $0.shape != .perClass && $0.shape != .perThreshold }.map(\.key)
        let lists = metrics.filter { $0.shape == .perClass }.map(\.key)
        let thresholds = metrics.filter { $0.shape == .perThreshold }.map(\.key)
        return scalars.joined(separator: ", ") + ", NAME_CLASS of " + lists.joined(separator: ", ")
            + ", or NAME@τ (an IoU threshold of the run) of " + thresholds.joined(separator: ", ")
    }

    /// The `--per-image` column names for `--help` (`IoU_CLASS` for a per-class metric).
    public static var perImageNamesHelp: String {
        reportFamilies.flatMap { f in
            f.perImage.map { $0.shape == .perClass ? $0.key + "_CLASS" : $0.shape == .perThreshold ? $0.key + "@τ" : $0.key }
        }.joined(separator: ", ")
    }

    /// The metrics where smaller is better, for `--help`.
    public static var lowerIsBetterNames: [String] {
        metrics.filter { $0.direction == .lowerIsBetter }.map(\.key)
    }
}
