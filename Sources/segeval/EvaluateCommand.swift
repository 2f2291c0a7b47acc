import ArgumentParser
import Foundation
import SegFiles
import SegCLI
import SegCore
import SegImage
import SegMetrics

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate prediction folders against ground truth (the default subcommand).",
        discussion: """
        Pairs files by stem (7.png ↔ 7.png, across formats and subfolders). Metrics: the confusion-matrix \
        family (aAcc, IoU, Acc, Dice, Precision, Recall, F-score; mmseg conventions) and, for two classes, \
        the salient-object family (MAE, F-measure, S-measure, E-measure, weighted F; PySODMetrics conventions). \
        Results go to stdout; warnings and progress to stderr. Exit codes: 0 ok, 1 bad input, 2 write error, \
        3 quality gate failed, 64 usage. See docs/segeval.md and docs/metrics.md.
        """
    )

    @Option(name: .long, help: "Prediction folder or file; repeat to compare several models.")
    var pred: [String] = []

    @Option(name: .long, parsing: .upToNextOption, help: "Ground-truth folders or files ('-' reads paths from stdin).")
    var gt: [String] = []

    @Option(name: .long, help: "Manifest (image<TAB>label lines) naming the ground truth; predictions match the image stems.")
    var manifest: String?

    @Option(name: [.customLong("label-suffix"), .customLong("gt-suffix")], help: "Ground-truth file names carry this suffix after the key (e.g. _mask; DRIVE: _manual1). --gt-suffix is the older spelling.")
    var labelSuffix: String?

    @Option(name: .long, help: "Prediction file names carry this suffix after the key (e.g. _pred).")
    var predSuffix: String?

    @Option(name: .long, help: "Regular expression searched in each file stem (after the suffix); its first group (or the match) is the pairing key.")
    var key: String?

    @Flag(name: .long, help: "Evaluate the pairs that exist when files are missing on either side (a warning, not an error).")
    var allowMissing = false

    @Option(name: .long, help: "Resample predictions whose size differs from the ground truth: nearest or bilinear.")
    var resizePred: ResizeMode?

    @Option(name: .long, help: "Number of classes (default 2: binary masks).")
    var numClasses = 2

    @Option(name: .long, help: "Ground-truth value left out of the confusion-matrix metrics (default 255).")
    var ignoreIndex = 255

    @Flag(name: .long, help: "Leave no ground-truth value out.")
    var noIgnore = false

    @Option(name: .long, help: "Probability threshold for soft predictions: foreground where v/max >= t, max 255 or 65535 (default 0.5).")
    var threshold = 0.5

    @Option(name: .long, help: "Ground truth as binary masks (foreground > 128, PySODMetrics' rule; segprep remap --threshold T keeps >= T), class indices, or auto.")
    var gtValues: GTValues = .auto

    @Option(name: .long, parsing: .upToNextOption, help: "Field-of-view masks (folders or files, - for stdin), paired with the ground truth by stem: pixels where the mask is 0 are left out of the confusion and ROC/PR metrics, as if ignored (the salient and distance families refuse it).")
    var roi: [String] = []

    @Option(name: .long, help: "Suffix of field-of-view mask stems beyond the shared key (e.g. _mask pairs 21_training_mask.gif with 21_training.png).")
    var roiSuffix: String?

    @Option(name: .long, help: "How to read colour ground truth (refused otherwise): a colour table FILE (R,G,B -> class lines or JSON, as segprep remap --colors), or gray (OpenCV's gray conversion, then > 128).")
    var gtColors: String?

    @Flag(name: .long, help: "Refuse binary ground truth with values other than 0 and 255 (JPEG-damaged or resampled masks), as segprep check and augment do, instead of binarising it at > 128 like mmseg and PySODMetrics.")
    var strictGT = false

    @Option(name: .long, help: "Predictions as probability maps, class indices, or auto.")
    var predValues: PredValues = .auto

    @Option(name: .long, help: ArgumentHelp("Metric groups, comma-separated (default: all that apply): \(MetricRegistry.groups.map { "\($0.token) = \($0.summary)" }.joined(separator: "; "))."))
    var metrics: Parsed<MetricSelection>?

    @Option(name: .long, help: "Confusion-matrix, ROC/PR and instance-matching metrics over the dataset (mmseg, stardist) or per image then averaged.")
    var aggregate: Aggregation = .dataset

    @Option(name: .long, help: "Empty ground truth: nan, zero, one or skip, or per family (iou=skip,salient=zero,match=one). Defaults: iou=nan (mmseg), salient=zero (PySODMetrics), match as stardist (every ratio 0 without a match; AJI undefined when both maps are empty).",
            transform: optionValue(EmptyGTConvention.parse))
    var emptyGT: EmptyGTChoice?

    @Option(name: .long, help: "maxF/meanF from per-image F curves (meanF, PySODMetrics) or from averaged precision/recall (meanPR).")
    var fCurve: FCurveConvention = .meanF

    @Option(name: .long, help: "β of the confusion-matrix F-score (default 1).")
    var beta = 1.0

    @Option(name: .long, help: "Write every image's metrics to this CSV file.")
    var perImage: String?

    @Option(name: .long, help: "List the K worst images (by --worst-by) on stderr.")
    var worst = 0

    @Option(name: .long, help: ArgumentHelp("Per-image metric for --worst (default: \(MetricRegistry.worstByDefaults.map(\.key).joined(separator: ", else ")), the first computed): \(MetricRegistry.perImageNamesHelp)."))
    var worstBy: Parsed<MetricName>?

    @Option(name: .long, help: "Write a TP/FP/FN colour map per image into this folder.")
    var overlays: String?

    @Option(name: .long, help: "Write the mergeable partial state to this file (see `segeval merge`).")
    var state: String?

    @OptionGroup(title: "Distance metrics") var distance: DistanceFlags
    @OptionGroup(title: "Instance metrics") var instance: InstanceFlags
    @OptionGroup var output: OutputOptions
    @OptionGroup var parallel: ParallelOptions
    @OptionGroup var sharding: ShardOptions

    func validate() throws {
        if pred.isEmpty { throw ValidationError("give at least one --pred folder") }
        if gt.isEmpty == (manifest == nil) { throw ValidationError("give either --gt or --manifest") }
        if numClasses < 2 || numClasses > 255 { throw ValidationError("--num-classes must be 2…255") }
        if !(threshold >= 0 && threshold <= 1) { throw ValidationError("--threshold must be in [0, 1]") }
        if worst < 0 { throw ValidationError("--worst must be 0 or more") }
        if ignoreIndex < 0 { throw ValidationError("--ignore-index must be 0 or more") }
        do { try PairingRule(keyPattern: key).validate() } catch { throw ValidationError("\(error)") }
        if manifest != nil && labelSuffix != nil {
            throw ValidationError("--label-suffix pairs ground-truth files found in --gt folders; with --manifest the manifest names them")
        }
    }

    /// The evaluation configuration the options describe.
    func config() throws -> EvalConfig {
        var c = EvalConfig()
        c.classes = numClasses
        c.ignoreIndex = noIgnore ? nil : ignoreIndex
        c.threshold = threshold
        c.gtValues = gtValues
        c.predValues = predValues
        c.aggregate = aggregate
        c.fscoreBeta = beta
        c.resize = resizePred
        c.strictGT = strictGT
        if let gtColors {
            do { c.gtColors = gtColors == "gray" ? .gray : .table(try ColorTable.read(gtColors)) } catch {
                throw EvalError(.usage, "--gt-colors: \(error)")
            }
        }
        c.salient.fCurve = fCurve
        if let parsed = emptyGT {
            if let e = parsed.confusion { c.confusionEmptyGT = e }
            if let e = parsed.salient { c.salient.emptyGT = e }
        }
        try metrics?.get().apply(to: &c)
        c.distance = distance.options
        c.instance = instance.options
        if let e = emptyGT?.instance {
            var o = c.instance ?? InstanceOptions()
            o.emptyGT = e
            c.instance = o
        }
        c.connectomics = instance.connectomicsOptions
        return c
    }

    func run() throws {
        AtomicFile.installInterruptCleanup()
        MemoryTuning.reuseLargeAllocations()
        var job = EvalJob()
        job.config = try config()
        job.predictions = pred
        job.gt = gt
        job.manifest = manifest
        job.roi = roi
        job.roiSuffix = roiSuffix
        job.pairing = PairingRule(imageSuffix: predSuffix, labelSuffix: labelSuffix, keyPattern: key)
        job.allowMissing = allowMissing
        job.shard = sharding.value
        job.workers = parallel.workers(default: ProcessInfo.processInfo.activeProcessorCount)
        job.perImage = perImage
        job.overlays = overlays
        job.worst = worst
        job.worstBy = try worstBy?.get().name ?? MetricRegistry.defaultWorstBy(config: job.config)
        let perImageNames = PerImageRow.metricColumns(config: job.config)
        if worstBy != nil || worst > 0, !perImageNames.contains(job.worstBy) {
            throw EvalError(.usage, "--worst-by \(job.worstBy) is not a per-image metric here (\(perImageNames.joined(separator: ", ")))")
        }
        // Every usage error before the first file is read.
        let gate = try output.gate(names: EvalResults.metricNames(config: job.config),
                                   curves: MetricRegistry.hasCurves(config: job.config), config: job.config)
        let outcome = try job.run { ProgressBar(total: $1, label: "segeval \($0)") }
        for warning in outcome.warnings { StandardError.warning("\(warning)") }
        if worst > 0 {
            for (i, list) in outcome.worst.enumerated() {
                StandardError.line("segeval: worst \(list.count) by \(job.worstBy)\(pred.count > 1 ? " (\(job.names[i]))" : ""):")
                for item in list { StandardError.line("  \(item.key)  \(EvalReport.format(item.value, 4))") }
            }
        }
        if let state {
            try createParentFolder(of: state)
            try EvalState.write(outcome.states, to: state)
        }
        try output.emit(outcome.states.map(EvalResults.init), gate: gate)
    }
}

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Combine the --state files of shards into the results of one run over all pairs.",
        discussion: "The merged numbers are identical to a single run (integer counts and order-independent sums)."
    )

    @Argument(help: "State files written with --state.")
    var states: [String]

    @Option(name: .long, help: "Also write the merged state to this file.")
    var state: String?

    @Flag(name: .long, help: "Missing shards are an error (exit 1) instead of a warning: for pipelines that must not report partial results.")
    var requireAllShards = false

    @OptionGroup var output: OutputOptions

    func run() throws {
        AtomicFile.installInterruptCleanup()
        var merged: [EvalState] = []
        for path in states {
            for s in try EvalState.read(path) {
                if let i = merged.firstIndex(where: { $0.name == s.name }) {
                    do { try merged[i].merge(s) } catch let e as EvalError { throw EvalError(e.kind, "\(path): \(e.description)") }
                } else {
                    merged.append(s)
                }
            }
        }
        guard !merged.isEmpty else { throw EvalError(.usage, "no states given") }
        for s in merged where !s.isComplete {
            let n = s.shards.first?.count ?? 0
            let missing = (0..<n).filter { i in !s.shards.contains { $0.index == i } }
            let message = "\(s.name): shards \(missing.map { "\($0)/\(n)" }.joined(separator: ", ")) are missing; results cover \(s.images) of \(s.pairCount) pairs"
            if requireAllShards { throw EvalError(.input, message) }
            StandardError.warning(message)
        }
        let config = merged[0].config
        let gate = try output.gate(names: EvalResults.metricNames(config: config), curves: MetricRegistry.hasCurves(config: config), config: config)
        if let state { try EvalState.write(merged, to: state) }
        try output.emit(merged.map(EvalResults.init), gate: gate)
    }
}
