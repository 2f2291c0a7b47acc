/// Per-class pixel counts of a K-class confusion matrix: rows are ground
/// truth, columns prediction; ignored pixels are not counted.
public struct ConfusionMatrix: Sendable, Equatable, Codable {
    public let classes: Int
    /// counts[gt * classes + pred]
    public private(set) var counts: [UInt64]

    /// An all-zero matrix of `classes` × `classes` counts.
    public init(classes: Int) {
        self.classes = classes
        counts = [UInt64](repeating: 0, count: classes * classes)
    }

    /// Counts `count` pixels of ground-truth class `gt` predicted as `pred`.
    public mutating func add(gt: Int, pred: Int, count: UInt64 = 1) {
        counts[gt * classes + pred] += count
    }

    /// Adds another matrix of the same size.
    public mutating func merge(_ other: ConfusionMatrix) {
        precondition(other.classes == classes)
        for i in counts.indices { counts[i] += other.counts[i] }
    }

    /// Pixels of class c in both maps.
    public func intersection(_ c: Int) -> UInt64 { counts[c * classes + c] }
    /// Pixels the ground truth labels c.
    public func label(_ c: Int) -> UInt64 { (0..<classes).reduce(0) { $0 + counts[c * classes + $1] } }
    /// Pixels predicted as c.
    public func predicted(_ c: Int) -> UInt64 { (0..<classes).reduce(0) { $0 + counts[$1 * classes + c] } }
    /// label + predicted − intersection.
    public func union(_ c: Int) -> UInt64 { label(c) + predicted(c) - intersection(c) }
    /// All counted pixels.
    public var total: UInt64 { counts.reduce(0, +) }
}
