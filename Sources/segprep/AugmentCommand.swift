import ArgumentParser
import Foundation
import SegFiles
import SegCLI
import SegCore
import SegImage
import SegPrep

struct Augment: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Flip, rotate and elastically deform image/label pairs; labels stay valid (nearest neighbour).",
        discussion: """
        Writes OUT/images/KEY_VARIANT.png, OUT/labels/KEY_VARIANT.png and OUT/manifest.txt (image<TAB>label, \
        relative to OUT). Per copy: flip, then a dihedral variant, then elastic deformation. The draws for a pair \
        depend only on --seed, the pair's name and the copy number. Exit codes: 0 ok, 1 bad inputs, 2 write failed, 64 usage.
        """
    )

    @Option(name: .long, help: "A manifest of image<TAB>label lines.")
    var manifest: String?

    @Option(name: .long, help: "Folder of images (with --labels).")
    var images: String?

    @Option(name: .long, help: "Folder of labels (with --images).")
    var labels: String?

    @Option(name: .long, help: "Output folder.")
    var out: String

    @Option(name: .long, help: "Augmented copies per pair.")
    var copies: Int?

    @Option(name: .long, help: "Seed for every random choice (an unsigned 64-bit integer).")
    var seed: UInt64 = 0

    @Option(name: .long, help: "h, v, hv (cv2.flip codes 1, 0, -1) or random (one of none/h/v/hv per copy).")
    var flip: FlipOption?

    @Flag(name: .long, help: "A random dihedral variant (rotations by 90 degrees and transposes) per copy.")
    var d4 = false

    @Flag(name: .long, help: "Write the seven non-identity dihedral variants of every pair (no randomness).")
    var d4All = false

    @Flag(name: .long, help: "Elastic deformation (Simard et al. 2003; --grid N for the U-Net paper's grid variant).")
    var elastic = false

    @Option(name: .long, help: "Elastic scale in pixels (Simard). Default 300.")
    var alpha: Double?

    @Option(name: .long, help: "Gaussian smoothing std in pixels (Simard). Default 12.")
    var sigma: Double?

    @Option(name: .long, help: "Grid variant: N x N random displacement vectors, interpolated bicubically.")
    var grid: Int?

    @Option(name: .long, help: "Grid variant: std of the grid displacements in pixels. Default 10.")
    var gridStd: Double?

    @Option(name: .long, help: "Image interpolation: bilinear, bicubic or nearest (labels are always nearest).")
    var interp: Interpolation = .bilinear

    @Option(name: .long, help: "Border: reflect, constant or edge.")
    var border: Border = .reflect

    @Option(name: .long, help: "Image value outside the image with --border constant.")
    var fill: Double?

    @Option(name: .long, help: "Label value outside the image with --border constant (e.g. 255 = ignore).")
    var labelFill: Int = 0

    @Option(name: .long, help: "Label values accepted, e.g. 0,1,2 or 0-150,255 (default: any label that does not look like a damaged 0/255 mask).")
    var classes: LabelValueList?

    @OptionGroup var pairing: PairingOptions

    @Flag(name: .long, help: "Also list the original pairs in OUT/manifest.txt.")
    var includeOriginals = false

    @Option(name: .long, help: "Write a contact sheet PNG of the first pairs and their copies.")
    var preview: String?

    @Option(name: .long, help: "Write each elastic field as a 2-page float TIFF (dx, dy) into this folder.")
    var saveFields: String?

    @Flag(name: .long, help: "Replace an earlier augmented set in OUT.")
    var force = false

    @OptionGroup var parallel: ParallelOptions

    func validate() throws {
        if (manifest == nil) == (images == nil || labels == nil) {
            throw ValidationError("give either --manifest FILE or both --images DIR and --labels DIR")
        }
        if let copies, copies < 1 { throw ValidationError("--copies must be at least 1") }
        if (alpha != nil || sigma != nil || grid != nil || gridStd != nil) && !elastic {
            throw ValidationError("--alpha, --sigma, --grid and --grid-std go with --elastic")
        }
        if grid != nil && (alpha != nil || sigma != nil) { throw ValidationError("--grid excludes --alpha/--sigma") }
        if let grid, grid < 2 { throw ValidationError("--grid needs at least 2 nodes per side") }
        if let sigma, sigma < 0 { throw ValidationError("--sigma must not be negative") }
        if let gridStd, gridStd < 0 { throw ValidationError("--grid-std must not be negative") }
        if d4All && (d4 || flip != nil || elastic || copies != nil) { throw ValidationError("--d4-all stands alone") }
        if !d4All && !d4 && flip == nil && !elastic { throw ValidationError("choose at least one of --flip, --d4, --d4-all, --elastic") }
        if !(0...65535).contains(labelFill) { throw ValidationError("--label-fill must be in 0…65535") }
        for (name, value) in [("--alpha", alpha), ("--sigma", sigma), ("--grid-std", gridStd), ("--fill", fill)] {
            if let value, !value.isFinite { throw ValidationError("\(name) must be a finite number") }
        }
        if let alpha, abs(alpha) > 1e5 { throw ValidationError("--alpha must be within ±100000 pixels") }
        if let sigma, sigma > 1000 { throw ValidationError("--sigma must be at most 1000 pixels") }
        if let gridStd, gridStd > 1e5 { throw ValidationError("--grid-std must be at most 100000 pixels") }
        if let grid, grid > 1000 { throw ValidationError("--grid must be at most 1000 nodes per side") }
        if let copies, copies > 10000 { throw ValidationError("--copies must be at most 10000") }
        if !elastic && (interp != .bilinear || border != .reflect || fill != nil || labelFill != 0) {
            throw ValidationError("--interp, --border, --fill and --label-fill go with --elastic")
        }
        if manifest != nil && !pairing.rule.isPlain { throw ValidationError("--image-suffix, --label-suffix and --key go with --images/--labels") }
        if (copies ?? 1) > 1 && !elastic && !d4 && flip != .random {
            throw ValidationError("--copies above 1 needs a random operation (--elastic, --d4 or --flip random); otherwise every copy is the same")
        }
    }

    func run() throws {
        AtomicFile.installInterruptCleanup()
        var options = AugmentOptions(out: out)
        options.copies = copies ?? 1
        options.seed = seed
        options.flip = flip?.choice
        options.d4 = d4
        options.d4All = d4All
        if elastic {
            options.elastic = grid.map { .grid(nodes: $0, std: gridStd ?? 10) } ?? .simard(alpha: alpha ?? 300, sigma: sigma ?? 12)
        }
        options.interpolation = interp
        options.border = border
        options.fill = fill ?? 0
        options.labelFill = labelFill
        if let classes { options.labelValues = .values(classes.values) }
        options.includeOriginals = includeOriginals
        options.preview = preview
        options.saveFields = saveFields
        options.force = force
        options.workers = parallel.workers(default: options.workers)
        let inputs = try manifest.map { try AugmentJob.inputs(manifest: $0) }
            ?? AugmentJob.inputs(images: images!, labels: labels!, pairing: pairing.rule)
        let progress = ProgressBar(total: inputs.count, label: "augment")
        let report = try AugmentJob.run(inputs, options: options, progress: progress)
        progress.finish()
        StandardOutput.write(out + "/manifest.txt\n")
        var summary = "augmented \(report.inputs) pairs into \(report.written.count) new pairs in \(out)"
        if let mean = report.meanDisplacement { summary += String(format: ", mean displacement %.2f px", mean) }
        StandardError.line(summary)
    }
}
