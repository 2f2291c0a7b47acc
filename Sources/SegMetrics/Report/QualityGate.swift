import Foundation

/// CI gating: absolute bounds (`--fail-under mIoU=0.8`, `--fail-over MAE=0.1`)
/// and regressions against an earlier JSON report (`--baseline`, `--max-drop`).
public struct QualityGate: Sendable {
    /// `--fail-under`: fails when a metric is below its bound (or undefined).
    public var failUnder: [GateBound] = []
    /// `--fail-over`: fails when a metric is above its bound (or undefined).
    public var failOver: [GateBound] = []
    /// Earlier results by prediction-set name ("" for a single-set report).
    public var baseline: [String: [String: Double]]?
    /// With a baseline: how much a compared metric may get worse.
    public var maxDrop = 0.0
    /// The metrics compared with the baseline (nil: every metric both have).
    /// `segeval` sets ``EvalResults/defaultComparison(config:)`` unless
    /// `--compare` names others.
    public var compared: [String]?
    /// `compared` was named by the user (`--compare`): a metric the baseline
    /// lacks, or one that became undefined, then fails instead of being skipped.
    public var comparedExplicitly = false

    /// No gates.
    public init() {}

    /// Usage errors before any work: every metric a bound or `--compare`
    /// names must be one that `names` (``MetricRegistry/reportedColumns(config:)``) has.
    public func validate(names: [String]) throws {
        let known = Set(names)
        for metric in failUnder.map(\.metric) + failOver.map(\.metric) + (compared ?? []) where !known.contains(metric) {
            throw EvalError(.usage, "unknown metric '\(metric)' (this run reports \(names.joined(separator: ", ")))")
        }
    }

    /// Reads a report written by `segeval --format json`.
    public static func readBaseline(_ path: String) throws -> [String: [String: Double]] {
        guard let data = FileManager.default.contents(atPath: path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw EvalError(.input, "\(path): not a segeval JSON report")
        }
        func scalars(_ o: [String: Any]) -> [String: Double] {
            var out: [String: Double] = [:]
            for (k, v) in o where !["images", "maxF_threshold", "non_binary_gt_images", "only_ignore_gt_images"].contains(k) {
                // null is an undefined value (NaN), not a missing one.
                if let n = v as? NSNumber { out[k] = n.doubleValue } else if v is NSNull { out[k] = .nan }
                // Per-class lists become NAME_CLASS keys, as --compare names them.
                if let list = v as? [Any] {
                    for (c, item) in list.enumerated() {
                        if let n = item as? NSNumber { out["\(k)_\(c)"] = n.doubleValue } else if item is NSNull { out["\(k)_\(c)"] = .nan }
                    }
                }
            }
            return out
        }
        if let list = object["results"] as? [[String: Any]] {
            var out: [String: [String: Double]] = [:]
            for r in list { out[(r["pred"] as? String) ?? ""] = scalars(r) }
            return out
        }
        return ["": scalars(object)]
    }

    /// One line per failed check (empty when everything passes). Throws for
    /// a metric name no result has.
    public func failures(_ results: [EvalResults]) throws -> [String] {
        var lines: [String] = []
        let prefix = { (r: EvalResults) in results.count > 1 ? "\(r.name): " : "" }
        for r in results {
            for gate in failUnder {
                guard let v = r.value(gate.metric) else { throw unknown(gate.metric, r) }
                if v.isNaN || v < gate.bound { lines.append("\(prefix(r))\(gate.metric) = \(EvalReport.format(v, 4)) is below \(gate.bound)") }
            }
            for gate in failOver {
                guard let v = r.value(gate.metric) else { throw unknown(gate.metric, r) }
                if v.isNaN || v > gate.bound { lines.append("\(prefix(r))\(gate.metric) = \(EvalReport.format(v, 4)) is above \(gate.bound)") }
            }
            if let baseline {
                guard let previous = baseline[r.name] ?? (baseline.count == 1 && results.count == 1 ? baseline.values.first : nil) else {
                    lines.append("\(prefix(r))no baseline entry for '\(r.name)'")
                    continue
                }
                for metric in compared ?? r.scalars.map(\.name) {
                    guard let value = r.value(metric), let before = previous[metric], !value.isNaN, !before.isNaN else {
                        if comparedExplicitly {
                            let why = previous[metric] == nil ? "is not in the baseline"
                                : "is undefined in \(r.value(metric)?.isNaN ?? true ? "this run" : "the baseline")"
                            lines.append("\(prefix(r))\(metric) \(why), so it cannot be compared")
                        }
                        continue
                    }
                    let lower = MetricRegistry.isLowerBetter(metric)
                    let drop = lower ? value - before : before - value
                    // 1e-12 absorbs the last-digit noise of a JSON round trip.
                    if drop > maxDrop + 1e-12 {
                        lines.append("\(prefix(r))\(metric) \(lower ? "rose" : "dropped") by \(EvalReport.format(drop, 4)) (from \(EvalReport.format(before, 4)) to \(EvalReport.format(value, 4)); allowed \(maxDrop))")
                    }
                }
            }
        }
        return lines
    }

    private func unknown(_ metric: String, _ r: EvalResults) -> EvalError {
        EvalError(.usage, "unknown metric '\(metric)' (this run has \(r.scalars.map(\.name).joined(separator: ", ")))")
    }
}
