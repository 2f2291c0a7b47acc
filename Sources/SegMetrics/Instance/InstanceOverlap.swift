import CSegMetrics

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
    /// Pixels of each ground-truth object outside every predicted object, and
    /// of each predicted object inside ground-truth objects (entry 0 unused):
    /// the table's margins the Rand and VI scores restrict to the GT foreground.
    public let gtUnlabelled: [Int], predictionOnGT: [Int]
    /// Each pair's intersection over union, in the order of ``pairs``.
    public let ious: [Double]

    public var gtCount: Int { gtAreas.count - 1 }
    public var predictionCount: Int { predictionAreas.count - 1 }

    /// The overlaps of `gt` and `prediction` (same size).
    public init(gt: InstanceLabels, prediction: InstanceLabels) {
        precondition(gt.width == prediction.width && gt.height == prediction.height, "the maps differ in size")
        // Runs of one (gt, prediction) pair in raster order (background included,
        // so that the areas are the table's margins), summed per pair in an
        // open-addressing table (twice as large when it would pass half full).
        var log2Capacity = 4
        while 1 << log2Capacity < 4 * (gt.count + prediction.count + 16) { log2Capacity += 1 }
        var table: [(key: UInt64, shared: Int64)]
        while true {
            var keys = [UInt64](repeating: .max, count: 1 << log2Capacity), counts = [Int64](repeating: 0, count: 1 << log2Capacity)
            var used: Int64 = 0
            let fits = gt.labels.withUnsafeBufferPointer { g in
                prediction.labels.withUnsafeBufferPointer { p in
                    seg_overlap_table(g.baseAddress, p.baseAddress, Int64(g.count), &keys, &counts, Int64(log2Capacity), &used)
                }
            }
            if fits == 1 {
                table = zip(keys, counts).filter { $0.0 != .max }.map { ($0.0, $0.1) }
                break
            }
            log2Capacity += 1
        }
        var gtAreas = [Int](repeating: 0, count: gt.count + 1), predictionAreas = [Int](repeating: 0, count: prediction.count + 1)
        var gtUnlabelled = gtAreas, predictionOnGT = predictionAreas
        var objectPairs: [(key: UInt64, shared: Int64)] = []
        objectPairs.reserveCapacity(table.count)
        for entry in table {
            let t = Int(entry.key >> 32), q = Int(entry.key & 0xFFFF_FFFF), count = Int(entry.shared)
            gtAreas[t] += count
            predictionAreas[q] += count
            if t != 0 && q == 0 { gtUnlabelled[t] += count }
            if t != 0 && q != 0 {
                predictionOnGT[q] += count
                objectPairs.append(entry)
            }
        }
        (gtAreas[0], predictionAreas[0]) = (0, 0)
        self.gtAreas = gtAreas
        self.predictionAreas = predictionAreas
        self.gtUnlabelled = gtUnlabelled
        self.predictionOnGT = predictionOnGT
        // Key order is GT object, then predicted object.
        let pairs = objectPairs.sorted { $0.key < $1.key }.map { Pair(gt: Int($0.key >> 32), prediction: Int($0.key & 0xFFFF_FFFF), shared: Int($0.shared)) }
        self.pairs = pairs
        ious = pairs.map { Double($0.shared) / Double(gtAreas[$0.gt] + predictionAreas[$0.prediction] - $0.shared) }
    }

    /// The pair's union in pixels.
    public func union(_ pair: Pair) -> Int { gtAreas[pair.gt] + predictionAreas[pair.prediction] - pair.shared }

}
