import Foundation
import SegFiles
import SegImage

/// Error maps: every pixel coloured by how the prediction got it right or
/// wrong, the quickest way to see what a model misses.
public enum Overlay {
    /// Colours of the outcomes (documented in docs/segeval.md).
    public static let truePositive = RGBA(0, 200, 0)
    public static let falsePositive = RGBA(230, 30, 30)
    public static let falseNegative = RGBA(30, 90, 255)
    public static let trueNegative = RGBA(0, 0, 0)
    public static let ignored = RGBA(128, 128, 128)

    /// The overlay of a pair: true positive (a correct non-background class),
    /// false positive (a wrong non-background prediction), false negative
    /// (an object predicted as background), true negative, ignored.
    public static func image(_ gt: GroundTruth, _ pred: Prediction, classes k: Int) -> Image {
        let classes = gt.classes()
        let n = gt.width * gt.height
        var rgb = [UInt8](repeating: 0, count: n * 3)
        for i in 0..<n {
            let g = Int(classes[i])
            let p = pred.classOfLevel[pred.level(at: i)]
            let color: RGBA
            if g == k { color = ignored }
            else if p == g { color = g == 0 ? trueNegative : truePositive }
            else if p > 0 { color = falsePositive }
            else { color = falseNegative }
            rgb[i * 3] = color.r; rgb[i * 3 + 1] = color.g; rgb[i * 3 + 2] = color.b
        }
        return Image(width: gt.width, height: gt.height, colorModel: .rgb, samples: .uint8(rgb))
    }

    /// Writes the overlay of a pair as an RGB PNG (creating folders).
    public static func write(_ gt: GroundTruth, _ pred: Prediction, to path: String, classes k: Int) throws {
        try createParentFolder(of: path)
        try ImageWriter.write(image(gt, pred, classes: k), to: path, as: .png(level: 3, filtered: true))
    }
}
