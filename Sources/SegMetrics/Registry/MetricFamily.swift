import SegCore

/// A family of metrics with one reference library and one kernel: its
/// groups, its metrics, and how their values come out of an image's result
/// and a dataset's state. Each family's folder declares one
/// (``confusion``, ``salient``); ``MetricRegistry/families`` lists them.
public struct MetricFamily: Sendable {
    /// Identifier (`confusion`, `salient`): the key of its `conventions` JSON entry.
    public let id: String
    /// Name in prose and messages (`salient-object`).
    public let title: String
    /// The library whose conventions it reproduces.
    public let reference: String
    /// Position of its columns in reports (lower first); the salient-object
    /// numbers have always come before the confusion ones.
    public let reportRank: Int
    /// Its `--metrics` groups.
    public let groups: [MetricGroup]
    /// `--metrics` names that stand for several of its groups (`distance`).
    public let aliases: [String: [String]]
    /// Every metric, in report order (scalars and class means in the summary
    /// row, per-class metrics in the per-class table).
    public let metrics: [Metric]
    /// The `--per-image` CSV columns, in order (per-class metrics expand to one column per class).
    public let perImage: [Metric]
    /// `--worst-by` defaults, most preferred first.
    public let worstByDefaults: [Metric]
    /// When the family cannot be computed, why (`need two classes`); nil: always.
    public let requirement: String?
    /// Whether its values stay defined when pixels are left out (ignored
    /// pixels, a field of view): counts can skip pixels; shapes and
    /// surfaces cannot.
    public let leavesPixelsOut: Bool
    /// The family's own per-image kernel; nil for the families computed from
    /// the shared joint histogram (confusion, salient).
    public let kernel: FamilyKernel?
    let describe: @Sendable (EvalState) -> FamilyConventions
    let warn: @Sendable (EvalState) -> [Message]
    let isAvailable: @Sendable (_ classes: Int) -> Bool
    let includes: @Sendable (Metric, EvalConfig) -> Bool
    let readsClasses: @Sendable (EvalConfig, Bool) -> Bool
    let dataset: @Sendable (EvalState) -> MetricValues
    let image: @Sendable (ImageResult) -> MetricValues

    /// Declares a family (see the properties); `isAvailable` says whether it
    /// applies to a class count, `includes` whether a setting of the family
    /// (a convention) reports a metric of an enabled group, `dataset` and
    /// `image` compute its values. `readsGTClasses` says whether the family
    /// reads the ground truth's classes (binarised) under a configuration,
    /// for a 16-bit label map or not; families that only read label ids spare
    /// the evaluator the class map.
    public init(id: String, title: String, reference: String, reportRank: Int, groups: [MetricGroup], aliases: [String: [String]] = [:], metrics: [Metric],
                perImage: [Metric], worstByDefaults: [Metric], requirement: String? = nil, leavesPixelsOut: Bool = true, kernel: FamilyKernel? = nil,
                conventions: @escaping @Sendable (EvalState) -> FamilyConventions,
                warnings: @escaping @Sendable (EvalState) -> [Message] = { _ in [] },
                isAvailable: @escaping @Sendable (Int) -> Bool = { _ in true },
                includes: @escaping @Sendable (Metric, EvalConfig) -> Bool = { _, _ in true },
                readsGTClasses: @escaping @Sendable (EvalConfig, _ labels16: Bool) -> Bool = { _, _ in true },
                dataset: @escaping @Sendable (EvalState) -> MetricValues, image: @escaping @Sendable (ImageResult) -> MetricValues) {
        self.id = id
        self.title = title
        self.reference = reference
        self.reportRank = reportRank
        self.groups = groups
        self.aliases = aliases
        self.metrics = metrics
        self.perImage = perImage
        self.worstByDefaults = worstByDefaults
        self.requirement = requirement
        self.leavesPixelsOut = leavesPixelsOut
        self.kernel = kernel
        self.describe = conventions
        self.warn = warnings
        self.isAvailable = isAvailable
        self.includes = includes
        self.readsClasses = readsGTClasses
        self.dataset = dataset
        self.image = image
    }

    /// Whether `config` computes `metric` (its group is on, the family applies
    /// and its settings include the metric).
    public func computes(_ metric: Metric, config: EvalConfig) -> Bool {
        isAvailable(config.classes) && (!metric.binaryOnly || config.classes == 2) && (!metric.multiClassOnly || config.classes > 2)
            && groups.contains { $0.token == metric.group && $0.isOn(config) } && includes(metric, config)
    }

    /// Whether the family, enabled under `config`, reads the ground truth's
    /// classes (not only its label ids) of a 16-bit label map (`labels16`) or another image.
    public func readsGTClasses(_ config: EvalConfig, labels16: Bool) -> Bool { isEnabled(config) && readsClasses(config, labels16) }

    /// Whether `config` computes any of the family's groups.
    public func isEnabled(_ config: EvalConfig) -> Bool {
        isAvailable(config.classes) && groups.contains { $0.isOn(config) }
    }

    /// The values of one dataset (only meaningful when ``isEnabled(_:)``).
    public func values(_ state: EvalState) -> MetricValues { dataset(state) }

    /// The conventions line printed under the table.
    public func conventionLine(_ state: EvalState) -> String {
        let stated = describe(state)
        return "\(title) metrics: \(stated.reference ?? reference) conventions (\(stated.summary))"
    }

    /// The family's entry in the JSON `conventions` object.
    public func conventionEntry(_ state: EvalState) -> [String: Any] {
        let stated = describe(state)
        return stated.json.merging(["reference": stated.reference ?? reference]) { a, _ in a }
    }

    /// What a dataset's values leave out or bend, for stderr (images dropped from a mean…).
    public func warnings(_ state: EvalState) -> [Message] { warn(state) }

    /// The values of one image.
    public func values(_ result: ImageResult) -> MetricValues { image(result) }

    /// The per-class metric the class mean `metric` averages.
    func list(of metric: Metric) -> Metric? {
        guard case .classMean(let key) = metric.shape else { return nil }
        return metrics.first { $0.key == key }
    }
}
