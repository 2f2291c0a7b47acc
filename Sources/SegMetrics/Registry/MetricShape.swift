/// How many values a metric has.
public enum MetricShape: Sendable, Hashable {
    /// One number per image and per dataset.
    case scalar
    /// One number per class: a JSON list, CSV columns `KEY_0`, `KEY_1`, …
    case perClass
    /// The mean of the defined entries of the per-class metric with this key.
    case classMean(of: String)
}
