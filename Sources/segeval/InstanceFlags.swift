import ArgumentParser
import SegCLI
import SegMetrics

extension InstanceReading: ExpressibleByArgument {}
extension PQConvention: ExpressibleByArgument {}

/// The instance and connectomics families' options (`--metrics match`, `rand`, `vi`).
struct InstanceFlags: ParsableArguments {
    @Option(name: .long, help: "IoU thresholds τ of the matching, comma-separated in (0, 1], as they name the keys (F1@0.5). Default 0.5,0.75,0.9.",
            transform: optionValue(InstanceOptions.parseThresholds))
    var iouThresholds: [String]?

    @Option(name: .long, help: "How ground-truth objects are read: auto (16-bit maps are label maps, 8-bit files masks), labels (each non-zero value one object) or components (connected components of the foreground).")
    var gtInstances: InstanceReading?

    @Option(name: .long, help: "How predicted objects are read: auto, labels or components (of the thresholded foreground), as --gt-instances.")
    var predInstances: InstanceReading?

    @Option(name: .long, help: "Pixel connectivity of components: 4 (default, as Fiji's ISBI scripts) or 8.")
    var connectivity: Int?

    @Option(name: .long, help: "Whose PQ, SQ, RQ: stardist (IoU ≥ τ, default) or hovernet (IoU > τ, SQ over TP + 1e-6, mean over images).")
    var pqConvention: PQConvention?

    @Flag(name: .customLong("no-thinning"), help: "V_rand and V_info without the challenge's border thinning of the proposal (its connected components instead).")
    var noThinning = false

    @Option(name: .long, help: "Whose Rand and VI scores (--metrics rand,vi): fiji (the ISBI 2012 challenge's V_rand, V_info, pixel error; default), skimage (scikit-image's ARE, ARE_precision, ARE_recall, VI_split, VI_merge on the objects --gt-instances and --pred-instances read), or fiji,skimage.",
            transform: optionValue(RandConvention.parseList))
    var randConvention: [RandConvention]?

    /// The connectomics family's options, or nil for the defaults.
    var connectomicsOptions: ConnectomicsOptions? {
        guard noThinning || randConvention != nil else { return nil }
        var o = ConnectomicsOptions()
        o.thinning = !noThinning
        if let v = randConvention { o.conventions = v }
        return o
    }

    func validate() throws {
        if let c = connectivity, c != 4 && c != 8 { throw ValidationError("--connectivity must be 4 or 8") }
    }

    /// The options, or nil when none was given (the defaults).
    var options: InstanceOptions? {
        guard iouThresholds != nil || gtInstances != nil || predInstances != nil || connectivity != nil || pqConvention != nil else { return nil }
        var o = InstanceOptions()
        if let v = iouThresholds { o.iouThresholds = v }
        if let v = gtInstances { o.gtInstances = v }
        if let v = predInstances { o.predInstances = v }
        if let v = connectivity, let c = Connectivity(rawValue: v) { o.connectivity = c }
        if let v = pqConvention { o.pqConvention = v }
        return o
    }
}
