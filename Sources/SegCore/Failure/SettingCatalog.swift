/// Every setting a library message refers to: one catalog, so that a front
/// end can spell each of them and a test can check that it does.
extension Setting {
    /// Evaluate the pairs that exist when some files have no partner.
    public static let allowMissing = Setting("allowMissing")
    /// Split the pairs that exist when some files have no partner.
    public static let allowUnpaired = Setting("allowUnpaired")
    /// The folder output paths are made relative to.
    public static let base = Setting("base")
    /// The label values a dataset may hold.
    public static let classes = Setting("classes")
    /// A colour table mapping RGB colours to classes.
    public static let colors = Setting("colors")
    /// Convert gray input to RGB and back.
    public static let convert = Setting("convert")
    /// Count everything, write nothing.
    public static let dryRun = Setting("dryRun")
    /// What a distance is when one mask is empty.
    public static let emptyDistance = Setting("emptyDistance")
    /// The number of cross-validation folds.
    public static let folds = Setting("folds")
    /// The output or report format.
    public static let format = Setting("format")
    /// The pattern naming the group (patient) of an image.
    public static let groupBy = Setting("groupBy")
    /// How segeval reads colour ground truth.
    public static let gtColors = Setting("gtColors")
    /// How ground-truth objects are read (label map or components).
    public static let gtInstances = Setting("gtInstances")
    /// How ground-truth values are read.
    public static let gtValues = Setting("gtValues")
    /// The suffix that image names carry beyond the shared key.
    public static let imageSuffix = Setting("imageSuffix")
    /// Rewrite the inputs instead of writing a new folder.
    public static let inPlace = Setting("inPlace")
    /// The pattern that extracts the pairing key from a name.
    public static let key = Setting("key")
    /// The folder that holds the labels.
    public static let labelDir = Setting("labelDir")
    /// The label value for pixels moved in from outside.
    public static let labelFill = Setting("labelFill")
    /// The suffix that label names carry beyond the shared key.
    public static let labelSuffix = Setting("labelSuffix")
    /// An explicit value → class mapping.
    public static let map = Setting("map")
    /// Write class masks instead of probabilities.
    public static let mask = Setting("mask")
    /// The gray values class masks are written with.
    public static let maskValues = Setting("maskValues")
    /// The metric families evaluated.
    public static let metrics = Setting("metrics")
    /// Snap each value to the nearest expected class.
    public static let nearest = Setting("nearest")
    /// The number of classes.
    public static let numClasses = Setting("numClasses")
    /// The output folder.
    public static let out = Setting("out")
    /// Write palette PNGs.
    public static let palette = Setting("palette")
    /// The prediction folders.
    public static let pred = Setting("pred")
    /// How prediction values are read.
    public static let predValues = Setting("predValues")
    /// Field-of-view masks.
    public static let roi = Setting("roi")
    /// The train/val/test sizes.
    public static let ratio = Setting("ratio")
    /// Resample predictions to the ground-truth size.
    public static let resizePred = Setting("resizePred")
    /// Balance the splits by foreground fraction.
    public static let stratify = Setting("stratify")
    /// Refuse damaged binary ground truth.
    public static let strictGt = Setting("strictGt")
    /// A folder of unlabelled test images.
    public static let testImages = Setting("testImages")
    /// Binarise at a threshold.
    public static let threshold = Setting("threshold")
    /// The class for values the mapping does not cover.
    public static let unmapped = Setting("unmapped")

    /// Every setting above.
    public static let all: [Setting] = [
        .allowMissing, .allowUnpaired, .base, .classes, .colors, .convert, .dryRun, .emptyDistance, .folds, .format,
        .groupBy, .gtColors, .gtInstances, .gtValues, .imageSuffix, .inPlace, .key, .labelDir, .labelFill, .labelSuffix,
        .map, .mask, .maskValues, .metrics, .nearest, .numClasses, .out, .palette, .pred, .predValues,
        .ratio, .resizePred, .roi, .stratify, .strictGt, .testImages, .threshold, .unmapped
    ]

    /// The steps messages refer to as a whole (`the remap step`).
    public static let steps = ["remap", "split", "check", "augment", "unstack"]
}
