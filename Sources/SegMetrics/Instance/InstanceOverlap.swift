/// The overlap table of two object maps of one size: for every pair of a
/// ground-truth and a predicted object that share pixels, how many they
/// share, plus both sides' areas — everything the matching scores are made
/// of. Sparse (objects overlap a few others), so thousands of objects cost
/// no n × m table.
public struct InstanceOverlap: Sendable {
    /// One overlapping pair: ground-truth object `gt`, predicted object `prediction` (both ≥ 1), shared pixels.
    public struct Pair: Sendable, Equatable {
        public let gt: Int, prediction: Int, shared: Int
    }

    /// Every overlapping pair, by ground-truth object, then predicted object.
    public let pairs: [Pair]
    /// Areas by object number (entry 0 unused).
    public let gtAreas: [Int], predictionAreas: [Int]
    /// Each pair's intersection over union, in the order of ``pairs``.
    public let ious: [Double]

    public var gtCount: Int { gtAreas.count - 1 }
    public var predictionCount: Int { predictionAreas.count - 1 }

    /// The overlaps of `gt` and `prediction` (same size).
    public init(gt: InstanceLabels, prediction: InstanceLabels) {
        precondition(gt.width == prediction.width && gt.height == prediction.height, "the maps differ in size")
        gtAreas = gt.areas
        predictionAreas = prediction.areas
        // Runs of one (gt, prediction) pair in raster order, then summed per pair.
        var shared: [Int: Int] = [:]
        let stride = prediction.count + 1
        gt.labels.withUnsafeBufferPointer { g in
            prediction.labels.withUnsafeBufferPointer { p in
                var key = -1, run = 0
                for i in 0..<g.count {
                    let t = Int(g[i]), q = Int(p[i])
                    let k = t != 0 && q != 0 ? t * stride + q : -1
                    if k == key { run += 1; continue }
                    if key >= 0 { shared[key, default: 0] += run }
                    key = k
                    run = 1
                }
                if key >= 0 { shared[key, default: 0] += run }
            }
        }
        let pairs = shared.keys.sorted().map { Pair(gt: $0 / stride, prediction: $0 % stride, shared: shared[$0]!) }
        self.pairs = pairs
        ious = pairs.map { Double($0.shared) / Double(gt.areas[$0.gt] + prediction.areas[$0.prediction] - $0.shared) }
    }

    /// The pair's union in pixels.
    public func union(_ pair: Pair) -> Int { gtAreas[pair.gt] + predictionAreas[pair.prediction] - pair.shared }

}
