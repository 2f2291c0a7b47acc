import ArgumentParser
import SegMetrics

// segeval's enumerated option values: parsed once by ArgumentParser, listed in --help.

extension EvalFormat: ExpressibleByArgument {}
extension GTValues: ExpressibleByArgument {}
extension PredValues: ExpressibleByArgument {}
extension Aggregation: ExpressibleByArgument {}
extension FCurveConvention: ExpressibleByArgument {}
extension ResizeMode: ExpressibleByArgument {}
