import SegCore

/// Renders a ``RemapSummary`` for people (stderr) and programs (stdout).
public enum RemapReport {
    /// The one-paragraph summary written to stderr after every run.
    public static func text(_ summary: RemapSummary) -> String {
        let verb = summary.dryRun ? "checked" : "remapped"
        var out = "\(verb) \(summary.succeeded) of \(summary.files.count + summary.skipped) files"
        out += " (\(summary.failed.count) failed\(summary.skipped > 0 ? ", \(summary.skipped) not started" : ""))"
        out += ", \(summary.before.total) pixels, mapping \(summary.mapping.summary)\n"
        if summary.before.total > 0 {
            var values = valueTable(summary.before, summary: summary)
            let limit = 32
            let hidden = values.rows.count - limit
            if hidden > 0 {
                values.rows = Array(values.rows.prefix(limit))
            }
            out += values.text()
            if hidden > 0 { out += ("… and \(hidden) more input values (all of them in \(setting: .format) json or csv)\n" as Message).description }
            out += "output values:\n" + outputTable(summary.after, summary: summary).text()
        }
        return out
    }

    /// Everything as one JSON document.
    public static func json(_ summary: RemapSummary) -> String {
        var object: [String: Any] = [
            "command": "remap",
            "mapping": summary.mapping.summary,
            "dry_run": summary.dryRun,
            "files": summary.files.count + summary.skipped,
            "succeeded": summary.succeeded,
            "failed": summary.failed.count,
            "not_started": summary.skipped,
            "pixels": summary.before.total,
            "before": valueTable(summary.before, summary: summary).objects(),
            "after": outputTable(summary.after, summary: summary).objects(),
        ]
        object["errors"] = summary.failed.map { ["file": $0.input, "error": $0.error ?? ""] }
        object["per_file"] = summary.files.map { report -> [String: Any] in
            var entry: [String: Any] = ["file": report.input]
            if let output = report.output { entry["output"] = output }
            if let error = report.error { entry["error"] = error }
            entry["before"] = valueTable(report.before, summary: summary).objects()
            entry["after"] = outputTable(report.after, summary: summary).objects()
            return entry
        }
        return JSONText.encode(object)
    }

    /// Per-file value histograms (what `--dry-run` prints on stdout).
    public static func perFileTable(_ summary: RemapSummary) -> Table {
        var table = Table(columns: ["file", "value", "pixels", "output"])
        for report in summary.files {
            if let error = report.error {
                table.rows.append([report.input, "error", "", error])
                continue
            }
            for row in valueTable(report.before, summary: summary).rows {
                table.rows.append([report.input] + row)
            }
        }
        return table
    }

    private static func valueTable(_ histogram: Histogram, summary: RemapSummary) -> Table {
        let colors = summary.mapping.readsColors
        let rows = histogram.values.map { value -> [String] in
            let output = summary.mapping.output(for: value).map { String($0) } ?? "unmapped"
            return [colors ? ColorTable.text(UInt32(value)) : String(value), String(histogram.counts[value]!), output]
        }
        return Table(columns: ["value", "pixels", "output"], rows: rows)
    }

    private static func outputTable(_ histogram: Histogram, summary: RemapSummary) -> Table {
        Table(columns: ["value", "pixels"], rows: histogram.values.map { [String($0), String(histogram.counts[$0]!)] })
    }
}
