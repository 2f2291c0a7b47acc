import ArgumentParser
import SegCLI
import SegMetrics

extension DistanceConvention: ExpressibleByArgument {}
extension BoundaryIoUDefinition: ExpressibleByArgument {}

/// The distance family's options (`--metrics distance` or its groups).
struct DistanceFlags: ParsableArguments {
    @Option(name: .long, help: "Whose surface distances: monai (default), medpy, metricsreloaded or deepmind — surface, HD95 rule, ASSD rule and empty-mask values of that library.")
    var distanceConvention: DistanceConvention?

    @Option(name: .long, help: "The percentile of HD95 (0…100; the key stays HD95). Default 95.")
    var hdPercentile: Double?

    @Option(name: .long, help: "NSD's tolerance τ in spacing units (≥ 0). Default 1.")
    var nsdTolerance: Double?

    @Option(name: .long, help: "Physical pixel size ROW,COL (array order, as MONAI and MedPy take it) for every distance. Default 1,1.",
            transform: optionValue(Spacing.init(parsing:)))
    var spacing: Spacing?

    @Option(name: .long, help: "A distance when one mask is empty: library (the convention's own value, default), nan, max (the image diagonal) or penalty:D.",
            transform: optionValue(EmptyDistance.init(parsing:)))
    var emptyDistance: EmptyDistance?

    @Option(name: .long, help: "Boundary IoU's band: metricsreloaded (pixels within --biou-width of the own border, default) or cheng (Cheng et al., 2% of the diagonal).")
    var biou: BoundaryIoUDefinition?

    @Option(name: .long, help: "Metrics Reloaded's Boundary IoU band width in pixels (> 0). Default 1.")
    var biouWidth: Double?

    func validate() throws {
        if let p = hdPercentile, !(0...100).contains(p) { throw ValidationError("--hd-percentile must be in 0…100") }
        if let t = nsdTolerance, !(t >= 0 && t.isFinite) { throw ValidationError("--nsd-tolerance must be 0 or more") }
        if let w = biouWidth, !(w > 0 && w.isFinite) { throw ValidationError("--biou-width must be more than 0") }
    }

    /// The options, or nil when none was given (the defaults).
    var options: DistanceOptions? {
        guard distanceConvention != nil || hdPercentile != nil || nsdTolerance != nil || spacing != nil || emptyDistance != nil
            || biou != nil || biouWidth != nil else { return nil }
        var o = DistanceOptions()
        if let v = distanceConvention { o.convention = v }
        if let v = hdPercentile { o.percentile = v }
        if let v = nsdTolerance { o.nsdTolerance = v }
        if let v = spacing { o.spacing = v }
        if let v = emptyDistance { o.emptyDistance = v }
        if let v = biou { o.boundaryIoU = v }
        if let v = biouWidth { o.boundaryIoUWidth = v }
        return o
    }
}
