import ArgumentParser
import Foundation
import SegFiles
import SegCLI
import SegCore
import SegImage
import SegMetrics

/// Report, curve and gating options shared by `evaluate` and `merge`.
struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: "table, json, csv or markdown.")
    var format: EvalFormat = .table

    @Option(name: .long, help: "Write precision, recall, F and E by threshold to this CSV file.")
    var curves: String?

    @Option(name: .long, help: "Write pr.svg and f-threshold.svg (all prediction sets on one chart) into this folder.")
    var plot: String?

    @Option(name: .long, help: ArgumentHelp("Fail (exit 3) when a metric is below its bound: mIoU=0.80,maxF=0.85. Metrics: \(MetricRegistry.gateNamesHelp) (IoU_1)."))
    var failUnder: Parsed<GateBounds>?

    @Option(name: .long, help: ArgumentHelp("Fail (exit 3) when a metric is above its bound: MAE=0.1 (for metrics where lower is better: \(MetricRegistry.lowerIsBetterNames.joined(separator: ", "))); names as for --fail-under."))
    var failOver: Parsed<GateBounds>?

    @Option(name: .long, help: "An earlier --format json report to compare with.")
    var baseline: String?

    @Option(name: .long, help: "With --baseline: fail (exit 3) when a compared metric got worse by more than this (default 0).")
    var maxDrop: Double?

    @Option(name: .long, help: ArgumentHelp("With --baseline: the metrics compared (default: \(MetricRegistry.headlineNames.joined(separator: ", ")), those this run reports)."))
    var compare: Parsed<MetricNames>?

    func validate() throws {
        if let maxDrop, maxDrop < 0 || !maxDrop.isFinite { throw ValidationError("--max-drop must be a non-negative number") }
        if baseline == nil && maxDrop != nil { throw ValidationError("--max-drop needs --baseline (the report to compare with)") }
        if baseline == nil && compare != nil { throw ValidationError("--compare needs --baseline (the report to compare with)") }
        do {
            _ = try failUnder?.get()
            _ = try failOver?.get()
        } catch { throw ValidationError("\(error)") }
    }

    /// The gates, checked against the metric names this run reports (a usage
    /// error before any work) and the curve outputs against its families.
    func gate(names: [String], curves available: Bool, config: EvalConfig?) throws -> QualityGate {
        var gate = QualityGate()
        gate.failUnder = try failUnder?.get().bounds ?? []
        gate.failOver = try failOver?.get().bounds ?? []
        gate.maxDrop = maxDrop ?? 0
        if baseline != nil {
            gate.compared = try compare?.get().names ?? config.map(MetricRegistry.defaultComparison)
            gate.comparedExplicitly = compare != nil
        }
        try gate.validate(names: names)
        let heatmap = config.map { MetricFamily.confusion.isEnabled($0) } ?? true
        if !available, curves != nil {
            throw EvalError(.usage, "--curves needs a metric family with curves (\(MetricRegistry.curveGroups.joined(separator: " or "))); this run computes none")
        }
        if !available, !heatmap, plot != nil {
            throw EvalError(.usage, "--plot needs a metric family with curves (\(MetricRegistry.curveGroups.joined(separator: " or "))) or the confusion matrix (iou); this run computes neither")
        }
        gate.baseline = try baseline.map(QualityGate.readBaseline)
        return gate
    }

    /// Prints the report, writes curves and plots, then applies the gates.
    func emit(_ results: [EvalResults], gate: QualityGate) throws {
        let failures = try gate.failures(results)
        StandardOutput.write(EvalReport.render(results, format: format))
        if let curves {
            try createParentFolder(of: curves)
            try AtomicFile.write(Array(CurveOutput.csv(results).utf8), to: curves)
        }
        if let plot {
            try createFolder(plot)
            if results.contains(where: { !$0.fCurve.isEmpty }) {
                let charts = CurveOutput.charts(results)
                try AtomicFile.write(Array(charts.pr.svg().utf8), to: plot + "/pr.svg")
                try AtomicFile.write(Array(charts.f.svg().utf8), to: plot + "/f-threshold.svg")
            }
            for (i, r) in results.enumerated() where MetricFamily.confusion.isEnabled(r.state.config) {
                let file = results.count == 1 ? "confusion.svg" : "confusion-\(i + 1).svg"
                let heatmap = ConfusionHeatmap(title: "Confusion matrix: \(r.name) (\(r.images) images)", matrix: r.state.confusion)
                try AtomicFile.write(Array(heatmap.svg().utf8), to: plot + "/" + file)
            }
        }
        if !failures.isEmpty {
            for line in failures { StandardError.line("segeval: gate failed: \(line)") }
            throw ExitStatus.gateFailed.exit
        }
    }
}

@main
struct SegEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segeval",
        abstract: "Score segmentation predictions against ground truth (mmseg and PySODMetrics conventions).",
        version: BuildInfo.versionLine,
        subcommands: [Evaluate.self, Merge.self],
        defaultSubcommand: Evaluate.self
    )

    /// Parses, runs, and reports failures as every SegKit tool does.
    static func main() { CommandLineTool.main(Self.self) }
}

