/// How many values a metric has.
public enum MetricShape: Sendable, Hashable {
    /// One number per image and per dataset.
    case scalar
    /// One number per class: a JSON list, CSV columns `KEY_0`, `KEY_1`, …
    case perClass
    /// The mean of the defined entries of the per-class metric with this key.
    case classMean(of: String)
    /// One number per IoU threshold of the run (``InstanceOptions/iouThresholds``):
    /// JSON keys and CSV columns `KEY@τ`, τ as given (`F1@0.5`).
    case perThreshold
}
