/// How per-image confusion-matrix scores are combined over a dataset.
public enum Aggregation: String, Sendable, CaseIterable, Codable {
    /// Pixel counts summed over the dataset, then the ratios (mmseg `IoUMetric`).
    case dataset
    /// Ratios per image, then averaged over the defined (image, class)
    /// scores (torchmetrics `MeanIoU`, MONAI).
    case image
}
