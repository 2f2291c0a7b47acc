import Foundation
import SegCore

/// Renders results of one or more prediction sets.
public enum EvalReport {
    /// The whole report in `format`. JSON for one set is the set's object;
    /// for several, `{"results": [...]}` in the order given.
    public static func render(_ results: [EvalResults], format: EvalFormat) -> String {
        switch format {
        case .json:
            if results.count == 1 { return JSONText.encode(results[0].jsonObject()) }
            return JSONText.encode(["results": results.map { $0.jsonObject() }])
        case .csv:
            return summaryTable(results, digits: nil).csv()
        case .table:
            var text = summaryTable(results, digits: 4).text()
            for r in results where !r.perClass.isEmpty {
                text += "\n" + (results.count > 1 ? "\(r.name): " : "") + "per class\n" + classTable(r).text()
            }
            text += "\n" + conventionLines(results[0]).joined(separator: "\n") + "\n"
            return text
        case .markdown:
            var text = summaryTable(results, digits: 4).markdown()
            for r in results where !r.perClass.isEmpty {
                text += "\n" + (results.count > 1 ? "**\(r.name)** per class\n\n" : "Per class\n\n") + classTable(r).markdown()
            }
            text += "\n" + conventionLines(results[0]).map { "- " + $0 }.joined(separator: "\n") + "\n"
            return text
        }
    }

    /// One row per prediction set, one column per scalar metric (and per
    /// class for CSV).
    static func summaryTable(_ results: [EvalResults], digits: Int?) -> Table {
        let first = results[0]
        var columns = ["pred", "images"] + first.scalars.map(\.name)
        // CSV has every class's column; the table shows the foreground's beside the means.
        if digits == nil { for (name, values) in first.perClass { for c in values.indices { columns.append("\(name)_\(c)") } } }
        else { columns += first.foreground.map(\.name) }
        var table = Table(columns: columns)
        for r in results {
            var row = [r.name, String(r.images)] + r.scalars.map { scalar in
                MetricRegistry.column(named: scalar.name)?.metric.isCount == true && digits != nil && scalar.value.isFinite && scalar.value == scalar.value.rounded()
                    ? String(Int(scalar.value)) : format(scalar.value, digits)
            }
            if digits == nil { for (_, values) in r.perClass { row += values.map { format($0, nil) } } }
            else { row += r.foreground.map { format($0.value, digits) } }
            table.rows.append(row)
        }
        return table
    }

    /// Per-class scores of one set.
    static func classTable(_ r: EvalResults) -> Table {
        var table = Table(columns: ["class"] + r.perClass.map(\.name))
        let k = r.perClass.first?.values.count ?? 0
        for c in 0..<k { table.rows.append([String(c)] + r.perClass.map { format($0.values[c], 4) }) }
        return table
    }

    /// A value for text output: fixed digits, or full precision; `nan` when undefined.
    public static func format(_ v: Double, _ digits: Int?) -> String {
        if v.isNaN { return "nan" }
        guard let digits else { return cell(v) }
        return String(format: "%.\(digits)f", v)
    }

    /// A value for a per-image or curve CSV cell: the shortest text that
    /// reads back as the same Double, empty when undefined.
    public static func cell(_ v: Double) -> String { v.isNaN ? "" : "\(v)" }

    /// Human-readable statement of the conventions.
    static func conventionLines(_ r: EvalResults) -> [String] {
        let c = r.state.config
        return MetricRegistry.reportFamilies.filter { $0.isEnabled(c) }.map { $0.conventionLine(r.state) }
    }
}
