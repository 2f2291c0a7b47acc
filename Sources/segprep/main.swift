import ArgumentParser
import Foundation
import SegCore
import SegImage
import SegPrep

/// Exit codes shared by every segprep subcommand (documented in docs/segprep.md).
enum ExitStatus {
    /// One or more inputs were bad (unreadable, corrupt, unexpected values).
    static let inputFailed: Int32 = 1
    /// An output could not be written.
    static let writeFailed: Int32 = 2
    /// The command line or the plan it implies is wrong.
    static let usage: Int32 = 64
}

/// Prints `segprep <sub>: error: …` on one line and returns the exit code.
func fail(_ command: String, _ message: Any, code: Int32) -> ExitCode {
    StandardError.line("segprep \(command): error: \(message)")
    return ExitCode(code)
}

@main
struct SegPrepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segprep",
        abstract: "Prepare segmentation datasets: remap label values, split into manifests, check datasets, unstack TIFF volumes.",
        version: "0.1.0",
        subcommands: [Remap.self, Split.self, Check.self, Augment.self, Unstack.self]
    )
}

struct Remap: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Turn label images into class-index maps (0/255 → 0/1 by default) and back.",
        discussion: """
        Inputs are files, folders (searched recursively for .png/.jpg/.tif/.gif) or '-' for a \
        newline-separated list on stdin. Any value the mapping does not cover is an error naming the \
        file, the values and their pixel counts. Summary on stderr; --format json|csv puts it on stdout.
        Exit codes: 0 ok, 1 a bad input, 2 an output could not be written, 64 usage.
        """
    )

    @Argument(help: "Label files or folders, or '-' to read paths from stdin.")
    var inputs: [String]

    @Option(name: .long, help: "Output folder; the input tree is mirrored under it as PNG files.")
    var out: String?

    @Flag(name: .long, help: "Overwrite the inputs (PNG files only) instead of writing to --out.")
    var inPlace = false

    @Option(name: .long, help: "Mirror paths of single files (and stdin entries) relative to this folder.")
    var base: String?

    @Option(name: .long, help: "Values >= T become 1, the others 0 (on the 0..255 scale; 16-bit raw).")
    var threshold: Int?

    @Option(name: .long, help: "Explicit SOURCE:OUTPUT pairs, e.g. 0:0,255:1,128:255.")
    var map: String?

    @Option(name: .long, help: "Output value for values that --map or --colors does not list.")
    var unmapped: Int?

    @Flag(name: .long, help: "Snap each value to the nearest --map source value (default pairs 0:0,255:1).")
    var nearest = false

    @Flag(name: [.long, .customLong("inverse")], help: "Class indices back to viewable grey: class c of K -> round(255c/(K-1)).")
    var visual = false

    @Option(name: .long, help: "Number of classes K for --visual.")
    var classes: Int = 2

    @Option(name: .long, help: "Colour table for RGB or palette masks: JSON {\"R,G,B\": class} or lines 'R,G,B -> class'.")
    var colors: String?

    @Flag(name: .long, help: "Write palette PNGs (VOC colours, or those of --colors) instead of 8-bit grey.")
    var palette = false

    @Flag(name: .long, help: "Report per-file value histograms on stdout without writing anything.")
    var dryRun = false

    @Flag(name: .long, help: "Report bad files and go on; exit non-zero at the end.")
    var keepGoing = false

    @Option(name: .long, help: "table, json or csv (json/csv: the report goes to stdout).")
    var format: String = "table"

    @Option(name: .long, help: "Largest width x height accepted from a file header (at most 2^32).")
    var maxPixels: Int = 1 << 28

    @Flag(name: .long, help: "Accept truncated JPEGs (libjpeg fills the missing part with grey).")
    var lenientJpeg = false

    @Option(name: .long, help: "Parallel workers (default: number of cores).")
    var jobs: Int?

    @Flag(name: .long, help: "Flush each output to the device before it takes its final name (survives power loss; slower).")
    var fsync = false

    func validate() throws {
        let modes = [threshold != nil, map != nil && !nearest, visual, colors != nil, nearest].filter { $0 }.count
        if modes > 1 { throw ValidationError("choose one of --threshold, --map, --nearest (with --map), --visual, --colors") }
        if unmapped != nil && map == nil && colors == nil { throw ValidationError("--unmapped goes with --map or --colors") }
        if let u = unmapped, !(0...255).contains(u) { throw ValidationError("--unmapped must be in 0..255") }
        if inPlace && out != nil { throw ValidationError("--in-place and --out exclude each other") }
        if classes < 1 || classes > 256 { throw ValidationError("--classes must be in 1..256") }
        if ReportFormat(rawValue: format) == nil { throw ValidationError("--format must be table, json or csv") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if maxPixels < 1 || maxPixels > 1 << 32 { throw ValidationError("--max-pixels must be in 1...4294967296") }
    }

    func mapping() throws -> (ValueMapping, [UInt8: UInt32]) {
        if let threshold { return (.threshold(threshold), [:]) }
        if visual { return (.visual(classes: classes), [:]) }
        if let colors {
            let text: String
            do { text = try String(contentsOfFile: colors, encoding: .utf8) } catch {
                throw MappingSyntaxError("\(colors): cannot read the colour table")
            }
            let table = try MappingParser.colors(text, source: colors)
            var classColors: [UInt8: UInt32] = [:]
            for (color, cls) in table.sorted(by: { $0.key < $1.key }) where classColors[cls] == nil { classColors[cls] = color }
            return (.colors(table, unmapped: unmapped.map(UInt8.init)), classColors)
        }
        let pairs = try map.map(MappingParser.pairs) ?? [0: 0, 255: 1]
        if nearest { return (.nearest(pairs), [:]) }
        return (.table(pairs, unmapped: unmapped.map(UInt8.init)), [:])
    }

    func run() throws {
        AtomicFile.installInterruptCleanup()
        AtomicFile.syncBeforeRename = fsync
        var options = RemapOptions()
        let classColors: [UInt8: UInt32]
        do { (options.mapping, classColors) = try mapping() } catch {
            throw fail("remap", error, code: ExitStatus.usage)
        }
        options.outputDirectory = out
        options.inPlace = inPlace
        options.dryRun = dryRun
        options.keepGoing = keepGoing
        options.decode = DecodeOptions(maxPixels: maxPixels, strictJPEG: !lenientJpeg)
        if palette { options.palette = Palettes.voc(overriding: classColors) }
        if let jobs { options.workers = jobs }
        let files: [InputFile]
        do { files = try InputFiles.collect(inputs, base: base) } catch {
            throw fail("remap", error, code: ExitStatus.inputFailed)
        }
        if files.isEmpty { throw fail("remap", "no image files found in \(inputs.joined(separator: " "))", code: ExitStatus.inputFailed) }
        let progress = ProgressBar(total: files.count, label: "remap")
        let summary: RemapSummary
        do { summary = try RemapJob.run(files, options: options, progress: progress) } catch {
            progress.finish()
            throw fail("remap", error, code: ExitStatus.usage)
        }
        progress.finish()
        // Without --keep-going the run stops at the first bad file (in input order); a file the
        // other worker failed on at the same moment is not reported as well.
        for report in keepGoing ? summary.failed : Array(summary.failed.prefix(1)) {
            StandardError.line("segprep remap: error: \(report.error!)")
        }
        switch ReportFormat(rawValue: format)! {
        case .json: StandardOutput.write(RemapReport.json(summary))
        case .csv: StandardOutput.write(RemapReport.perFileTable(summary).csv())
        case .table: if dryRun { StandardOutput.write(RemapReport.perFileTable(summary).text()) }
        }
        StandardError.write(RemapReport.text(summary))
        if summary.failed.contains(where: { $0.writeFailed }) { throw ExitCode(ExitStatus.writeFailed) }
        if !summary.failed.isEmpty { throw ExitCode(ExitStatus.inputFailed) }
    }
}

struct Unstack: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Split a multi-page TIFF into one PNG per page (OUT/STEM_00.png, …).",
        discussion: "Exit codes: 0 ok, 1 the input cannot be read, 2 an output could not be written, 64 usage."
    )

    @Argument(help: "The multi-page TIFF (any image works; a single-page file gives one PNG).")
    var volume: String

    @Option(name: .long, help: "Output folder (created if missing).")
    var out: String

    @Flag(name: .long, help: "Replace existing page files.")
    var force = false

    @Flag(name: .long, help: "Flush each page to the device before it takes its final name.")
    var fsync = false

    func run() throws {
        AtomicFile.installInterruptCleanup()
        AtomicFile.syncBeforeRename = fsync
        do {
            // Each path is printed as soon as its page is written, so a failure
            // on a later page still leaves an exact list of what exists.
            let written = try SegPrep.Unstack.run(volume, outputDirectory: out, overwrite: force) { path in
                StandardOutput.write(path + "\n")
            }
            StandardError.line("unstacked \(written.count) pages from \(volume)")
        } catch let error as ImageError {
            let code = [.writeFailed, .refused].contains(error.kind) && error.path != volume ? ExitStatus.writeFailed : ExitStatus.inputFailed
            throw fail("unstack", error, code: code)
        } catch {
            throw fail("unstack", error, code: ExitStatus.writeFailed)
        }
    }
}

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

    @Option(name: .long, help: "Counts (188 | 188,40 | 188,40,30) or fractions (0.8 | 0.7,0.15 | 0.7,0.15,0.15). Default 0.8.")
    var ratio: String?

    @Flag(name: .long, help: "Shuffle pairs (or groups) with SegKit's own generator before splitting; needs --seed.")
    var shuffle = false

    @Option(name: .long, help: "Seed for --shuffle (an unsigned 64-bit integer).")
    var seed: UInt64?

    @Option(name: .long, help: "Keep pairs whose image names share this regex's first capture group together (e.g. '^(P\\d+)_').")
    var groupBy: String?

    @Option(name: .long, help: "fg (with/without foreground) or fg:N (foreground-fraction bins) kept similar across splits.")
    var stratify: String?

    @Option(name: .long, help: "K-fold cross-validation manifests instead of a ratio split.")
    var folds: Int?

    @Option(name: .long, help: "An image-only test set, written to test.* with image paths only.")
    var testImages: String?

    @Option(name: .long, help: "Label file names carry this suffix after the stem (7_mask.png pairs with 7.jpg).")
    var labelSuffix: String?

    @Flag(name: .long, help: "Skip images without labels and labels without images (with a warning) instead of failing.")
    var allowUnpaired = false

    @Option(name: .long, help: "txt (image<TAB>label), csv or json.")
    var format: String = "txt"

    @Flag(name: .long, help: "Write absolute paths instead of paths relative to the manifest folder.")
    var absolute = false

    @Flag(name: .long, help: "Replace existing manifests.")
    var force = false

    func validate() throws {
        if ManifestFormat(rawValue: format) == nil { throw ValidationError("--format must be txt, csv or json") }
        if shuffle != (seed != nil) { throw ValidationError("--shuffle and --seed go together (the seed makes the shuffle reproducible)") }
        if folds != nil && ratio != nil { throw ValidationError("--folds and --ratio exclude each other") }
    }

    func run() throws {
        AtomicFile.installInterruptCleanup()
        var options = SplitJobOptions(images: images, labels: labels, out: out)
        do {
            options.split.ratio = try RatioSpec.parse(ratio ?? "0.8")
            options.split.stratify = try stratify.map(StratifySpec.parse)
            if let groupBy { _ = try GroupPattern(groupBy) }
        } catch {
            throw fail("split", error, code: ExitStatus.usage)
        }
        options.split.seed = seed
        options.split.groupBy = groupBy
        options.split.folds = folds
        options.testImages = testImages
        options.labelSuffix = labelSuffix
        options.allowUnpaired = allowUnpaired
        options.format = ManifestFormat(rawValue: format)!
        options.absolute = absolute
        options.force = force
        options.commandLine = ["segprep"] + Array(CommandLine.arguments.dropFirst())
        let report: SplitReport
        do {
            report = try SplitJob.run(options)
        } catch let error as ImageError {
            throw fail("split", error, code: error.kind == .writeFailed ? ExitStatus.writeFailed : ExitStatus.inputFailed)
        } catch let error as SplitError {
            let codes: [SplitError.Category: Int32] = [.usage: ExitStatus.usage, .input: ExitStatus.inputFailed, .output: ExitStatus.writeFailed]
            throw fail("split", error, code: codes[error.category]!)
        } catch {
            throw fail("split", error, code: ExitStatus.inputFailed)
        }
        for path in report.unpairedImages { StandardError.line("segprep split: warning: \(path): image without a label, skipped") }
        for path in report.unpairedLabels { StandardError.line("segprep split: warning: \(path): label without an image, skipped") }
        for name in report.written { StandardOutput.write((out as NSString).appendingPathComponent(name) + "\n") }
        StandardError.write("split \(report.plan.pairs.count) pairs\(report.testImages > 0 ? " and \(report.testImages) test images" : "") into \(out)\n")
        StandardError.write(report.table().text())
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify a dataset folder and/or manifests: files decode, sizes match, label values, no leakage.",
        discussion: """
        Arguments: manifest files, folders of manifests (as written by split), or dataset folders holding \
        images/ and labels/ (or image/, label/, masks/, mask/, gt/). Findings go to stdout, one per line \
        (or --format json). Exit codes: 0 no findings, 1 findings, 64 usage.
        """
    )

    @Argument(help: "Manifests, manifest folders or dataset folders.")
    var inputs: [String]

    @Option(name: .long, help: "Expected label values, e.g. 0,1 or 0,255 (default: binary, either 0/1 or 0/255 throughout).")
    var classes: String?

    @Option(name: .long, help: "No group (regex's first capture group of the image name) may appear in two splits.")
    var groupBy: String?

    @Option(name: .long, help: "Label suffix for pairing dataset folders (as in split).")
    var labelSuffix: String?

    @Option(name: .long, help: "text or json.")
    var format: String = "text"

    @Flag(name: .long, help: "Skip comparing files with the hashes in split.json.")
    var noVerifyHashes = false

    @Option(name: .long, help: "Parallel workers (default: number of cores).")
    var jobs: Int?

    func validate() throws {
        if !["text", "json"].contains(format) { throw ValidationError("--format must be text or json") }
        if let classes, (try? MappingParser.values(classes)) == nil { throw ValidationError("--classes takes comma-separated integers 0…65535") }
    }

    func run() throws {
        var options = CheckOptions()
        options.classes = try classes.map { Set(try MappingParser.values($0)) }
        options.groupBy = groupBy
        options.labelSuffix = labelSuffix
        options.verifyHashes = !noVerifyHashes
        if let jobs { options.workers = jobs }
        let report: CheckReport
        do {
            if let groupBy { _ = try GroupPattern(groupBy) }
            let (sources, initial) = try Checker.sources(inputs, labelSuffix: labelSuffix)
            let progress = ProgressBar(total: sources.reduce(0) { $0 + $1.entries.count }, label: "check")
            report = try Checker.run(sources, initialFindings: initial, options: options, progress: progress)
            progress.finish()
        } catch {
            throw fail("check", error, code: ExitStatus.usage)
        }
        StandardOutput.write(format == "json" ? report.json() : report.text())
        if !report.findings.isEmpty { throw ExitCode(ExitStatus.inputFailed) }
    }
}

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
    var flip: String?

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
    var interp: String = "bilinear"

    @Option(name: .long, help: "Border: reflect, constant or edge.")
    var border: String = "reflect"

    @Option(name: .long, help: "Image value outside the image with --border constant.")
    var fill: Double?

    @Option(name: .long, help: "Label value outside the image with --border constant (e.g. 255 = ignore).")
    var labelFill: Int = 0

    @Option(name: .long, help: "Pair labels whose stems carry this suffix (with --images/--labels).")
    var labelSuffix: String?

    @Flag(name: .long, help: "Also list the original pairs in OUT/manifest.txt.")
    var includeOriginals = false

    @Option(name: .long, help: "Write a contact sheet PNG of the first pairs and their copies.")
    var preview: String?

    @Option(name: .long, help: "Write each elastic field as a 2-page float TIFF (dx, dy) into this folder.")
    var saveFields: String?

    @Flag(name: .long, help: "Replace an earlier augmented set in OUT.")
    var force = false

    @Option(name: .long, help: "Parallel workers (default: number of cores).")
    var jobs: Int?

    func validate() throws {
        if (manifest == nil) == (images == nil || labels == nil) {
            throw ValidationError("give either --manifest FILE or both --images DIR and --labels DIR")
        }
        if let flip, flip != "random", Flip(rawValue: flip) == nil { throw ValidationError("--flip takes h, v, hv or random") }
        if Interpolation(rawValue: interp) == nil { throw ValidationError("--interp takes bilinear, bicubic or nearest") }
        if Border(rawValue: border) == nil { throw ValidationError("--border takes reflect, constant or edge") }
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
        if !elastic && (interp != "bilinear" || border != "reflect" || fill != nil || labelFill != 0) {
            throw ValidationError("--interp, --border, --fill and --label-fill go with --elastic")
        }
        if manifest != nil && labelSuffix != nil { throw ValidationError("--label-suffix goes with --images/--labels") }
        if (copies ?? 1) > 1 && !elastic && !d4 && flip != "random" {
            throw ValidationError("--copies above 1 needs a random operation (--elastic, --d4 or --flip random); otherwise every copy is the same")
        }
    }

    func run() throws {
        AtomicFile.installInterruptCleanup()
        var options = AugmentOptions(out: out)
        options.copies = copies ?? 1
        options.seed = seed
        options.flip = flip.map { $0 == "random" ? .random : .fixed(Flip(rawValue: $0)!) }
        options.d4 = d4
        options.d4All = d4All
        if elastic {
            options.elastic = grid.map { .grid(nodes: $0, std: gridStd ?? 10) } ?? .simard(alpha: alpha ?? 300, sigma: sigma ?? 12)
        }
        options.interpolation = Interpolation(rawValue: interp)!
        options.border = Border(rawValue: border)!
        options.fill = fill ?? 0
        options.labelFill = labelFill
        options.includeOriginals = includeOriginals
        options.preview = preview
        options.saveFields = saveFields
        options.force = force
        if let jobs { options.workers = jobs }
        do {
            let inputs = try manifest.map { try AugmentJob.inputs(manifest: $0) }
                ?? AugmentJob.inputs(images: images!, labels: labels!, labelSuffix: labelSuffix)
            let progress = ProgressBar(total: inputs.count, label: "augment")
            let report = try AugmentJob.run(inputs, options: options, progress: progress)
            progress.finish()
            StandardOutput.write(out + "/manifest.txt\n")
            var summary = "augmented \(report.inputs) pairs into \(report.written.count) new pairs in \(out)"
            if let mean = report.meanDisplacement { summary += String(format: ", mean displacement %.2f px", mean) }
            StandardError.line(summary)
        } catch let error as ImageError {
            throw fail("augment", error, code: error.kind == .writeFailed ? ExitStatus.writeFailed : ExitStatus.inputFailed)
        } catch let error as SplitError {
            throw fail("augment", error, code: error.category == .output ? ExitStatus.writeFailed : ExitStatus.inputFailed)
        } catch {
            throw fail("augment", error, code: ExitStatus.inputFailed)
        }
    }
}
