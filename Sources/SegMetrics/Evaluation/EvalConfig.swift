import SegImage

/// Every convention and choice that changes the numbers. Two partial states
/// can be merged only when their configurations are equal.
public struct EvalConfig: Sendable, Equatable, Codable {
    /// Number of classes (2 for binary masks).
    public var classes = 2
    /// Ground-truth value left out of the confusion-matrix metrics.
    public var ignoreIndex: Int? = 255
    /// Probability threshold for binarising soft predictions (`v/max ≥ t`).
    public var threshold = 0.5
    public var gtValues = GTValues.auto
    public var predValues = PredValues.auto
    /// Compute the confusion-matrix family (mmseg conventions).
    public var confusion = true
    public var aggregate = Aggregation.dataset
    /// The confusion family's empty-GT convention (mmseg: `.nan`).
    public var confusionEmptyGT = EmptyGTConvention.nan
    /// β of mmseg's F-score (squared inside).
    public var fscoreBeta = 1.0
    /// The salient-object family (PySODMetrics conventions); computed only
    /// for two classes.
    public var salient = SalientOptions()
    /// Resampling of predictions whose size differs from the ground truth;
    /// nil refuses the pair.
    public var resize: ResizeMode?
    /// How colour ground truth is read (refused unless the user says).
    public var gtColors = GTColors.refuse
    /// Refuse binary ground truth holding values other than 0 and 255 (damaged
    /// masks) instead of binarising it at > 128 as the reference tools do.
    public var strictGT = false
    /// The `--metrics` groups switched on in families with their own kernel
    /// (``MetricGroup/kernelGroup(_:summary:)``); nil when none is, so that
    /// states of runs without them read as before.
    public var kernelGroups: [String]?
    /// The distance family's settings; nil for the defaults (so that states
    /// of runs that never set them read as before).
    public var distance: DistanceOptions?
    /// The instance families' settings; nil for the defaults.
    public var instance: InstanceOptions?
    /// The connectomics family's settings; nil for the defaults.
    public var connectomics: ConnectomicsOptions?

    public init() {}

    /// Whether the salient-object family is computed.
    public var salientEnabled: Bool { classes == 2 && salient.any }
}
