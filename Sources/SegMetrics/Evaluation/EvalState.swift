import Foundation
import SegFiles
import SegCore
import SegImage

/// The mergeable partial result of an evaluation: integer confusion counts
/// and order-independent sums. Its size does not grow with the number of
/// images, and merging states gives exactly what one run over all their
/// images gives.
public struct EvalState: Sendable, Equatable, Codable {
    public static let formatVersion = 1
    public var version = EvalState.formatVersion
    public var config: EvalConfig
    /// Name of the prediction set (its folder as given).
    public var name: String
    /// The shards this state covers (all of them after a complete merge).
    public var shards: [Shard]
    /// Number of pairs before sharding, and a digest of their keys, so that
    /// only shards of the same pairing are merged.
    public var pairCount: Int
    public var pairDigest: String
    public var images = 0
    /// Images whose binary ground truth held values other than 0 and 255.
    public var nonBinaryImages = 0
    /// Images read as class indices whose only values were 0 and the ignore index.
    public var onlyIgnoreImages = 0

    public var confusion: ConfusionMatrix
    /// Per-image scores summed for `--aggregate image`, by list name
    /// (``ClassScores/listNames``), one slot per class.
    public var imageSums: [String: FixedSumArray]
    public var imageAAcc = FixedSum()
    /// Per-image MCC summed for `--aggregate image` (two classes; nil otherwise).
    public var imageMCC: FixedSum?

    public var mae = FixedSum(), adaptiveF = FixedSum(), adaptiveE = FixedSum()
    public var sMeasure = FixedSum(), weightedF = FixedSum()
    public var precision = FixedSumArray(count: 256), recall = FixedSumArray(count: 256)
    public var fCurve = FixedSumArray(count: 256), eCurve = FixedSumArray(count: 256)
    /// The sums of the families with their own kernel (``FamilyImageResult/sums``),
    /// keyed `FAMILY.NAME`; nil while no such family ran (the state file then
    /// reads as it did before they existed).
    public var familySums: [String: FixedSumArray]?

    /// An empty state of one prediction set and shard.
    public init(config: EvalConfig, name: String, shard: Shard, pairCount: Int, pairDigest: String) {
        self.config = config
        self.name = name
        self.shards = [shard]
        self.pairCount = pairCount
        self.pairDigest = pairDigest
        confusion = ConfusionMatrix(classes: config.classes)
        let k = config.classes
        imageSums = Dictionary(uniqueKeysWithValues: ClassScores.listNames.map { ($0, FixedSumArray(count: k)) })
    }

    /// Adds one image.
    public mutating func add(_ r: ImageResult) {
        images += 1
        if r.nonBinaryPixels > 0 { nonBinaryImages += 1 }
        if r.onlyBackgroundAndIgnore { onlyIgnoreImages += 1 }
        confusion.merge(r.confusion)
        if let s = r.classScores {
            for (name, values) in s.lists { imageSums[name]!.add(values) }
            if let a = s.aAcc { imageAAcc.add(a) }
            if let m = s.mcc {
                var sum = imageMCC ?? FixedSum()
                sum.add(m)
                imageMCC = sum
            }
        }
        if let s = r.salient {
            if let v = s.mae { mae.add(v) }
            if let v = s.adaptiveF { adaptiveF.add(v) }
            if let v = s.adaptiveE { adaptiveE.add(v) }
            if let v = s.sMeasure { sMeasure.add(v) }
            if let v = s.weightedF { weightedF.add(v) }
            if !s.fCurve.isEmpty {
                precision.add(s.precision); recall.add(s.recall); fCurve.add(s.fCurve)
            }
            if !s.eCurve.isEmpty { eCurve.add(s.eCurve) }
        }
        for (family, result) in r.families {
            for (name, values) in result.sums {
                var sums = familySums ?? [:]
                sums["\(family).\(name)", default: FixedSumArray(count: values.count)].add(values)
                familySums = sums
            }
        }
    }

    /// The sums family `family` kept under `name` (nil when no image gave any).
    public func sums(_ family: String, _ name: String) -> FixedSumArray? { familySums?["\(family).\(name)"] }

    /// Adds another state of the same configuration and pairing.
    public mutating func merge(_ o: EvalState) throws {
        guard o.version == version else { throw EvalError(.usage, "state format \(o.version) cannot be merged with \(version)") }
        guard o.config == config else { throw EvalError(.usage, "states were computed with different options (classes, thresholds, conventions or metrics)") }
        guard o.name == name else { throw EvalError(.usage, "states are of different prediction sets ('\(name)' and '\(o.name)')") }
        guard o.pairDigest == pairDigest, o.pairCount == pairCount else {
            throw EvalError(.usage, "states come from different pairings (\(pairCount) and \(o.pairCount) pairs, or different file names)")
        }
        for s in o.shards where shards.contains(s) || shards.contains(where: { $0.count != s.count }) {
            throw EvalError(.usage, "shard \(s) is already merged or does not fit shards of \(shards.map(\.description).joined(separator: ", "))")
        }
        shards += o.shards
        shards.sort { $0.index < $1.index }
        absorb(o)
    }

    /// Adds the counts and sums of a partial state of the same run (a worker's share).
    mutating func absorb(_ o: EvalState) {
        images += o.images
        nonBinaryImages += o.nonBinaryImages
        onlyIgnoreImages += o.onlyIgnoreImages
        confusion.merge(o.confusion)
        for (name, sums) in o.imageSums { imageSums[name, default: FixedSumArray(count: config.classes)].merge(sums) }
        imageAAcc.merge(o.imageAAcc)
        if let theirs = o.imageMCC {
            var sum = imageMCC ?? FixedSum()
            sum.merge(theirs)
            imageMCC = sum
        }
        mae.merge(o.mae); adaptiveF.merge(o.adaptiveF); adaptiveE.merge(o.adaptiveE)
        sMeasure.merge(o.sMeasure); weightedF.merge(o.weightedF)
        precision.merge(o.precision); recall.merge(o.recall); fCurve.merge(o.fCurve); eCurve.merge(o.eCurve)
        for (key, theirs) in o.familySums ?? [:] {
            var sums = familySums ?? [:]
            sums[key, default: FixedSumArray(count: theirs.sums.count)].merge(theirs)
            familySums = sums
        }
    }

    /// True when every shard of the split is present.
    public var isComplete: Bool {
        guard let n = shards.first?.count else { return false }
        return Set(shards.map(\.index)) == Set(0..<n)
    }

    /// Writes the states of a run (one per prediction set) as one JSON file
    /// (sorted keys: equal states give equal bytes).
    public static func write(_ states: [EvalState], to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let data = try encoder.encode(StateFile(segevalState: formatVersion, states: states))
        try AtomicFile.write(Array(data), to: path)
    }

    /// Reads a file written by ``write(_:to:)``.
    public static func read(_ path: String) throws -> [EvalState] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EvalError(.input, "\(path): cannot read state file")
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        guard let file = try? decoder.decode(StateFile.self, from: data) else {
            throw EvalError(.input, "\(path): not a segeval state file")
        }
        guard file.segevalState == formatVersion else {
            throw EvalError(.input, "\(path): state format \(file.segevalState), this segeval reads \(formatVersion)")
        }
        return file.states
    }

    private struct StateFile: Codable {
        let segevalState: Int
        let states: [EvalState]
        enum CodingKeys: String, CodingKey { case segevalState = "segeval_state", states }
    }
}
