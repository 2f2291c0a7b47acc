import SegCore

/// One image's pixels as a family kernel (``FamilyKernel``) sees them: the
/// ground truth's class per pixel, the prediction's level per pixel, and the
/// class of each level, all under the run's conventions (binarisation,
/// ignore index, threshold). Row-major, `width × height`.
public struct PixelPair: Sendable {
    public let width: Int, height: Int
    /// Number of classes; a ground-truth class equal to it marks an ignored pixel.
    public let classes: Int
    /// Ground-truth class per pixel (`classes` where ignored).
    public let gt: [UInt8]
    /// The prediction's levels and how they become classes.
    public let prediction: Prediction
    /// The ground truth's stored values before they became classes (label
    /// ids for the instance families); nil where a caller has none.
    public var gtPlane: GTPlane?
    /// The files the pixels came from, for messages ("" where a caller has none).
    public var gtPath = "", predPath = ""

    /// The pixels of one image (`gtPlane`: the ground truth's stored values, when a family needs them).
    public init(width: Int, height: Int, classes: Int, gt: [UInt8], prediction: Prediction, gtPlane: GTPlane? = nil) {
        self.width = width
        self.height = height
        self.classes = classes
        self.gt = gt
        self.prediction = prediction
        self.gtPlane = gtPlane
    }

    /// The pixels of one loaded pair: the ground truth's classes (`classes`
    /// when the caller has already computed them, with a field of view
    /// applied) and stored values, the prediction, and their files.
    public init(_ gt: GroundTruth, classes: [UInt8]? = nil, prediction: Prediction, classCount: Int, gtPath: String, predPath: String) {
        self.init(width: gt.width, height: gt.height, classes: classCount, gt: classes ?? gt.classes(), prediction: prediction, gtPlane: gt.plane)
        (self.gtPath, self.predPath) = (gtPath, predPath)
    }

    /// The ground truth value that marks ignored pixels.
    public var ignored: UInt8 { UInt8(classes) }

    /// The predicted class per pixel (argmax or threshold, as the confusion family reads it).
    public func predictedClasses() -> [UInt8] {
        let lut = prediction.classOfLevel.map { UInt8(clamping: max($0, 0)) }
        if let l = prediction.levels8 { return ByteLookup(lut).apply(l) }
        return ByteLookup(lut).apply(prediction.levels16!)
    }

    /// The 8-bit prediction levels of class `c` when they form one run
    /// `lo … hi` (a threshold's classes, a label map's), so that the class
    /// can be read from the levels without a class map; nil otherwise.
    public func levelRange(ofClass c: Int) -> ClosedRange<UInt8>? {
        guard prediction.levels8 != nil else { return nil }
        let lut = prediction.classOfLevel
        guard let lo = lut.firstIndex(of: c), let hi = lut.lastIndex(of: c), lut[lo...hi].allSatisfy({ $0 == c }) else { return nil }
        return UInt8(lo)...UInt8(hi)
    }

    /// Counts, per ground-truth class (0 and 1) and prediction level, the
    /// pixels that are not ignored: `[class][level]`, `prediction.scale + 1` levels.
    public func levelCounts() -> [[Int]] {
        var counts = Array(repeating: Array(repeating: 0, count: prediction.scale + 1), count: 2)
        func count<T: FixedWidthInteger>(_ levels: [T]) {
            gt.withUnsafeBufferPointer { g in
                levels.withUnsafeBufferPointer { l in
                    for i in g.indices where g[i] < 2 { counts[Int(g[i])][Int(l[i])] += 1 }
                }
            }
        }
        if let l = prediction.levels8 { count(l) } else { count(prediction.levels16!) }
        return counts
    }
}
