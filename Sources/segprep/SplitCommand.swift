import ArgumentParser
import Foundation
import SegFiles
import SegCLI
import SegCore
import SegImage
import SegPrep

struct Split: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write reproducible, leak-free train/val/test manifests (image<TAB>label lines).",
        discussion: """
        Pairs images and labels by relative path without extension (natural order: 2.png before 10.png). \
        --ratio 188 puts the first 188 pairs in train and the rest in val; 188,40 adds a test split; fractions \
        0.7,0.15,0.15 are rounded by the largest remainder. Writes OUT/train.txt, val.txt, test.txt (or foldK/…) \
        and OUT/split.json with hashes of every file. Exit codes: 0 ok, 1 bad inputs, 2 write failed, 64 usage.
        """
    )

    @Option(name: .long, help: "Folder of images (searched recursively).")
    var images: String

    @Option(name: .long, help: "Folder of labels (searched recursively).")
    var labels: String

    @Option(name: .long, help: "Folder for the manifests (created if missing).")
    var out: String

    @Option(name: .long, help: "Counts (188 | 188,40 | 188,40,30) or fractions (0.8 | 0.7,0.15 | 0.7,0.15,0.15). Default 0.8.", transform: optionValue(RatioSpec.parse))
    var ratio: RatioSpec?

    @Flag(name: .long, help: "Shuffle pairs (or groups) with SegKit's own generator before splitting; needs --seed.")
    var shuffle = false

    @Option(name: .long, help: "Seed for --shuffle (an unsigned 64-bit integer).")
    var seed: UInt64?

    @Option(name: .long, help: "Keep pairs whose image names share this regex's first capture group together (e.g. '^(P\\d+)_').")
    var groupBy: String?

    @Option(name: .long, help: "fg (with/without foreground) or fg:N (foreground-fraction bins) kept similar across splits.", transform: optionValue(StratifySpec.parse))
    var stratify: StratifySpec?

    @Option(name: .long, help: "With --stratify: label values accepted, e.g. 0,1,2 or 0-150,255 (default: any label that does not look like a damaged 0/255 mask).")
    var classes: LabelValueList?

    @Option(name: .long, help: "K-fold cross-validation manifests instead of a ratio split.")
    var folds: Int?

    @Option(name: .long, help: "An image-only test set, written to test.* with image paths only.")
    var testImages: String?

    @OptionGroup var pairing: PairingOptions

    @Flag(name: .long, help: "Skip images without labels and labels without images (with a warning) instead of failing.")
    var allowUnpaired = false

    @Option(name: .long, help: "txt (image<TAB>label), csv or json.")
    var format: ManifestFormat = .txt

    @Flag(name: .long, help: "Write absolute paths instead of paths relative to the manifest folder.")
    var absolute = false

    @Flag(name: .long, help: "Replace existing manifests.")
    var force = false

    func validate() throws {
        if shuffle != (seed != nil) { throw ValidationError("--shuffle and --seed go together (the seed makes the shuffle reproducible)") }
        if classes != nil && stratify == nil { throw ValidationError("--classes is for the labels --stratify reads; add --stratify fg or fg:N") }
        if folds != nil && ratio != nil { throw ValidationError("--folds and --ratio exclude each other") }
    }

    func run() throws {
        AtomicFile.installInterruptCleanup()
        var options = SplitJobOptions(images: images, labels: labels, out: out)
        options.split.ratio = try ratio ?? RatioSpec.parse("0.8")
        options.split.stratify = stratify
        if let groupBy { _ = try GroupPattern(groupBy) }
        options.split.seed = seed
        options.split.groupBy = groupBy
        options.split.folds = folds
        options.testImages = testImages
        options.pairing = pairing.rule
        if let classes { options.labelValues = .values(classes.values) }
        options.allowUnpaired = allowUnpaired
        options.format = format
        options.absolute = absolute
        options.force = force
        options.commandLine = ["segprep"] + Array(CommandLine.arguments.dropFirst())
        let report = try SplitJob.run(options)
        for path in report.unpairedImages { StandardError.warning("\(path): image without a label, skipped") }
        for path in report.unpairedLabels { StandardError.warning("\(path): label without an image, skipped") }
        for name in report.written { StandardOutput.write((out as NSString).appendingPathComponent(name) + "\n") }
        StandardError.write("split \(report.plan.pairs.count) pairs\(report.testImages > 0 ? " and \(report.testImages) test images" : "") into \(out)\n")
        StandardError.write(report.table().text())
    }
}
