import ArgumentParser
import Foundation
import SegFiles
import SegCLI
import SegCore
import SegImage
import SegPrep

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

    @Option(name: .long, help: "Explicit SOURCE:OUTPUT pairs, e.g. 0:0,255:1,128:255.", transform: optionValue(MappingParser.pairs))
    var map: [Int: UInt8]?

    @Option(name: .long, help: "Output value for values that --map or --colors does not list.")
    var unmapped: Int?

    @Flag(name: .long, help: "Snap each value to the nearest --map source value (default pairs 0:0,255:1).")
    var nearest = false

    @Flag(name: [.long, .customLong("inverse")], help: "Class indices back to viewable grey: class c of K -> round(255c/(K-1)).")
    var visual = false

    @Option(name: .long, help: "Number of classes K for --visual (as segeval's --num-classes).")
    var numClasses: Int?

    /// The old spelling of --num-classes (--classes is a list of values in check, split and augment).
    @Option(name: .customLong("classes"), help: ArgumentHelp(visibility: .hidden))
    var classesAlias: Int?

    var classes: Int { numClasses ?? classesAlias ?? 2 }

    @Option(name: .long, help: "Colour table for RGB or palette masks: JSON {\"R,G,B\": class} or lines 'R,G,B -> class'.")
    var colors: String?

    @Flag(name: .long, help: "Write palette PNGs (VOC colours, or those of --colors) instead of 8-bit grey.")
    var palette = false

    @Flag(name: .long, help: "Report per-file value histograms on stdout without writing anything.")
    var dryRun = false

    @Flag(name: .long, help: "Report bad files and go on; exit non-zero at the end.")
    var keepGoing = false

    @Option(name: .long, help: "table, json or csv (json/csv: the report goes to stdout).")
    var format: ReportFormat = .table

    @Option(name: .long, help: "Largest width x height accepted from a file header (at most 2^32).")
    var maxPixels: Int = 1 << 28

    @Flag(name: .long, help: "Accept truncated JPEGs (libjpeg fills the missing part with grey).")
    var lenientJpeg = false

    @OptionGroup var parallel: ParallelOptions
    @OptionGroup var sharding: ShardOptions

    @Flag(name: .long, help: "Replace outputs that exist already (without it, a run into a folder that holds them refuses before writing anything).")
    var force = false

    @Flag(name: .long, help: "Flush each output to the device before it takes its final name (survives power loss; slower).")
    var fsync = false

    func validate() throws {
        let modes = [threshold != nil, map != nil && !nearest, visual, colors != nil, nearest].filter { $0 }.count
        if modes > 1 { throw ValidationError("choose one of --threshold, --map, --nearest (with --map), --visual, --colors") }
        if unmapped != nil && map == nil && colors == nil { throw ValidationError("--unmapped goes with --map or --colors") }
        if let u = unmapped, !(0...255).contains(u) { throw ValidationError("--unmapped must be in 0..255") }
        if inPlace && out != nil { throw ValidationError("--in-place and --out exclude each other") }
        if numClasses != nil && classesAlias != nil { throw ValidationError("--classes is the old name of --num-classes; give one") }
        if classes < 1 || classes > 256 { throw ValidationError("--num-classes must be in 1..256") }
        if maxPixels < 1 || maxPixels > 1 << 32 { throw ValidationError("--max-pixels must be in 1...4294967296") }
    }

    func mapping() throws -> (ValueMapping, [UInt8: UInt32]) {
        if let threshold { return (.threshold(threshold), [:]) }
        if visual { return (.visual(classes: classes), [:]) }
        if let colors {
            let table = try ColorTable.read(colors)
            var classColors: [UInt8: UInt32] = [:]
            for (color, cls) in table.sorted(by: { $0.key < $1.key }) where classColors[cls] == nil { classColors[cls] = color }
            return (.colors(table, unmapped: unmapped.map(UInt8.init)), classColors)
        }
        let pairs = map ?? [0: 0, 255: 1]
        if nearest { return (.nearest(pairs), [:]) }
        return (.table(pairs, unmapped: unmapped.map(UInt8.init)), [:])
    }

    func run() throws {
        AtomicFile.installInterruptCleanup()
        AtomicFile.syncBeforeRename = fsync
        var options = RemapOptions()
        let classColors: [UInt8: UInt32]
        (options.mapping, classColors) = try mapping()
        options.outputDirectory = out
        options.inPlace = inPlace
        options.overwrite = force
        options.dryRun = dryRun
        options.keepGoing = keepGoing
        options.decode = DecodeOptions(maxPixels: maxPixels, strictJPEG: !lenientJpeg)
        if palette { options.palette = Palettes.voc(overriding: classColors) }
        options.workers = parallel.workers(default: options.workers)
        let files = try InputFiles.collect(inputs, base: base)
        if files.isEmpty { throw InputListError("no image files found in \(inputs.joined(separator: " "))") }
        options.shard = sharding.value
        let progress = ProgressBar(total: options.shard.select(files).count, label: "remap")
        let summary: RemapSummary
        do { summary = try RemapJob.run(files, options: options, progress: progress) } catch {
            progress.finish()
            throw error
        }
        progress.finish()
        // Without --keep-going the run stops at the first bad file (in input order); a file the
        // other worker failed on at the same moment is not reported as well.
        for report in keepGoing ? summary.failed : Array(summary.failed.prefix(1)) {
            StandardError.error(report.error!)
        }
        switch format {
        case .json: StandardOutput.write(RemapReport.json(summary))
        case .csv: StandardOutput.write(RemapReport.perFileTable(summary).csv())
        case .table: if dryRun { StandardOutput.write(RemapReport.perFileTable(summary).text()) }
        }
        StandardError.write(RemapReport.text(summary))
        if summary.failed.contains(where: { $0.writeFailed }) { throw ExitStatus.outputNotWritten.exit }
        if !summary.failed.isEmpty { throw ExitStatus.badInput.exit }
    }
}
