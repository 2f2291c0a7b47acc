import Foundation
import SegFiles
import SegImage

/// Object-level error maps, drawn when the instance family runs: each
/// predicted object coloured by what the matching at the first IoU
/// threshold made of it, the ground truth's missed objects and outlines
/// on top, so that merges and splits stand out at a glance.
public enum InstanceOverlay {
    /// A predicted object matched to a ground-truth object (a true positive).
    public static let matched = Overlay.truePositive
    /// A predicted object without a match (a false positive).
    public static let unmatched = Overlay.falsePositive
    /// A ground-truth object without a match, where no predicted object covers it (a miss).
    public static let missed = Overlay.falseNegative
    /// A predicted object covering most of two or more ground-truth objects.
    public static let merge = RGBA(255, 200, 0)
    /// An unmatched piece of a ground-truth object that two or more predicted objects lie mostly inside.
    public static let split = RGBA(220, 0, 220)
    /// The ground-truth objects' outlines.
    public static let outline = RGBA(255, 255, 255)

    /// What each object is: matched and unmatched at `tau` (stardist's
    /// matching), and the merges and splits by the majority rule — a
    /// predicted object *merges* when it holds more than half of each of two
    /// or more ground-truth objects (marked even when matched to one of
    /// them); predicted objects *split* a ground-truth object when two or
    /// more of them lie with more than half of their own area inside it
    /// (the unmatched ones are marked; the matched piece stays matched).
    public struct Outcome: Sendable, Equatable {
        /// Per predicted object (index 0 unused): its colour.
        public var prediction: [RGBA]
        /// Per ground-truth object (index 0 unused): whether it is matched.
        public var gtMatched: [Bool]
    }

    /// The outcome of every object of one image at `tau`.
    public static func outcome(_ overlap: InstanceOverlap, tau: Double) -> Outcome {
        var colours = [RGBA](repeating: unmatched, count: overlap.predictionCount + 1)
        var gtMatched = [Bool](repeating: false, count: overlap.gtCount + 1)
        for k in InstanceMatching.matchedPairs(overlap, tau: tau) {
            colours[overlap.pairs[k].prediction] = matched
            gtMatched[overlap.pairs[k].gt] = true
        }
        var coveredGT = [Int](repeating: 0, count: overlap.predictionCount + 1)
        var insidePredictions = [Int](repeating: 0, count: overlap.gtCount + 1)
        for p in overlap.pairs {
            if 2 * p.shared > overlap.gtAreas[p.gt] { coveredGT[p.prediction] += 1 }
            if 2 * p.shared > overlap.predictionAreas[p.prediction] { insidePredictions[p.gt] += 1 }
        }
        for p in overlap.pairs where insidePredictions[p.gt] >= 2 && 2 * p.shared > overlap.predictionAreas[p.prediction] && colours[p.prediction] != matched {
            colours[p.prediction] = split
        }
        for j in coveredGT.indices where coveredGT[j] >= 2 { colours[j] = merge }
        return Outcome(prediction: colours, gtMatched: gtMatched)
    }

    /// The overlay of one image: predicted objects in their outcome's colour,
    /// uncovered pixels of missed ground-truth objects blue, ground-truth
    /// outlines (pixels with a 4-neighbour of another object) white, the rest black.
    public static func image(gt: InstanceLabels, prediction: InstanceLabels, tau: Double) -> Image {
        let overlap = InstanceOverlap(gt: gt, prediction: prediction)
        let outcome = outcome(overlap, tau: tau)
        let w = gt.width, h = gt.height
        var rgb = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h {
            for x in 0..<w {
                let i = y * w + x
                let g = Int(gt.labels[i]), p = Int(prediction.labels[i])
                var colour = Overlay.trueNegative
                if p != 0 { colour = outcome.prediction[p] } else if g != 0 && !outcome.gtMatched[g] { colour = missed }
                if g != 0 {
                    let edge = (x > 0 && gt.labels[i - 1] != gt.labels[i]) || (x + 1 < w && gt.labels[i + 1] != gt.labels[i])
                        || (y > 0 && gt.labels[i - w] != gt.labels[i]) || (y + 1 < h && gt.labels[i + w] != gt.labels[i])
                    if edge { colour = outline }
                }
                rgb[3 * i] = colour.r; rgb[3 * i + 1] = colour.g; rgb[3 * i + 2] = colour.b
            }
        }
        return Image(width: w, height: h, colorModel: .rgb, samples: .uint8(rgb))
    }

    /// Writes the overlay of one pair as an RGB PNG (creating folders), with
    /// the objects read as the instance family reads them, at its first IoU threshold.
    public static func write(_ pixels: PixelPair, options: InstanceOptions, to path: String) throws {
        let (gt, prediction) = try MetricFamily.objects(pixels, options)
        try createParentFolder(of: path)
        try ImageWriter.write(image(gt: gt, prediction: prediction, tau: options.thresholds[0]), to: path, as: .png(level: 3, filtered: true))
    }
}
