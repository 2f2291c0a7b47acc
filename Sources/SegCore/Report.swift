import Foundation

/// How tabular results are printed.
public enum ReportFormat: String, Sendable, CaseIterable {
    case table, json, csv
}

/// A small table that renders as aligned text, CSV or JSON (an array of
/// objects keyed by column name; cells that look like integers stay numbers).
public struct Table: Sendable {
    public var columns: [String]
    public var rows: [[String]]

    public init(columns: [String], rows: [[String]] = []) {
        self.columns = columns
        self.rows = rows
    }

    /// Aligned columns, right-aligned when every cell in a column is numeric.
    public func text() -> String {
        var widths = columns.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        let numeric = columns.indices.map { i in !rows.isEmpty && rows.allSatisfy { i < $0.count && Int($0[i]) != nil } }
        func render(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: max(0, widths[i] - cell.count))
                return numeric[i] ? pad + cell : cell + pad
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        return ([render(columns)] + rows.map(render)).joined(separator: "\n") + "\n"
    }

    /// RFC 4180 CSV with a header line.
    public func csv() -> String {
        ([columns] + rows).map { CSV.line($0) }.joined(separator: "\n") + "\n"
    }

    /// GitHub-flavoured Markdown.
    public func markdown() -> String {
        var lines = ["| " + columns.joined(separator: " | ") + " |",
                     "|" + columns.map { _ in " --- |" }.joined()]
        for row in rows { lines.append("| " + row.joined(separator: " | ") + " |") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The rows as JSON-ready dictionaries.
    public func objects() -> [[String: Any]] {
        rows.map { row in
            var object: [String: Any] = [:]
            for (i, column) in columns.enumerated() where i < row.count {
                object[column] = Int(row[i]).map { $0 as Any } ?? row[i]
            }
            return object
        }
    }
}

/// RFC 4180 CSV cells.
public enum CSV {
    /// One cell, quoted when it holds a comma, quote or line break.
    /// Works on Unicode scalars: a quote followed by a combining mark is one
    /// Swift `Character` that is not `"`, yet it is a quote to every CSV reader
    /// (found by fuzzing the manifest round trip).
    public static func quote(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        var quoted = String.UnicodeScalarView()
        quoted.append("\"")
        for scalar in s.unicodeScalars {
            quoted.append(scalar)
            if scalar == "\"" { quoted.append("\"") }
        }
        quoted.append("\"")
        return String(quoted)
    }

    /// Cells joined into one line (no line break).
    public static func line(_ cells: [String]) -> String { cells.map(quote).joined(separator: ",") }
}

/// Serialises JSON with sorted keys so output is byte-identical across runs.
public enum JSONText {
    public static func encode(_ object: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
