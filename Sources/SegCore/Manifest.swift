import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The manifest file formats.
public enum ManifestFormat: String, Sendable, CaseIterable {
    /// `image<TAB>label` per line (or just `image`), as PyTorch `Dataset`
    /// loaders read them with `line.strip().split("\t")`.
    case txt
    /// RFC 4180 CSV with a header line `image,label` (or `image`).
    case csv
    /// A JSON array of `{"image": …, "label": …}` objects.
    case json

    /// The format a manifest path's extension names (`.txt` when unknown).
    public static func of(path: String) -> ManifestFormat {
        ManifestFormat(rawValue: InputFiles.fileExtension(path)) ?? .txt
    }
}

/// One manifest line: an image and, except in image-only test sets, its label.
public struct ManifestEntry: Sendable, Equatable {
    public var image: String
    public var label: String?

    public init(image: String, label: String?) {
        self.image = image
        self.label = label
    }
}

/// A malformed manifest, or a path a manifest format cannot hold.
public struct ManifestError: CategorizedError, Sendable {
    /// What is wrong; its settings are spelled when it is printed.
    public let problem: Message
    public init(_ problem: Message) { self.problem = problem }
    public init(_ description: String) { self.init(Message(description)) }
    public var description: String { problem.description }
    /// `badInput`: the manifest or a path in it is bad.
    public var category: FailureCategory { .badInput }
}

/// Writing and reading manifests.
public enum Manifest {
    /// Renders entries in `format`. In `txt`, a path holding a tab or a line
    /// break, or starting or ending with white space (which `strip()` would
    /// eat), cannot be written and is an error.
    public static func render(_ entries: [ManifestEntry], format: ManifestFormat) throws -> String {
        switch format {
        case .txt:
            var out = ""
            for entry in entries {
                for path in [entry.image] + (entry.label.map { [$0] } ?? []) {
                    // Scalars, not Characters: "\r\n" is one Character equal to neither "\r" nor "\n".
                    if path.unicodeScalars.contains(where: { $0 == "\t" || $0 == "\n" || $0 == "\r" })
                        || path.first?.isWhitespace == true || path.last?.isWhitespace == true
                        || path.hasPrefix("\u{FEFF}") {  // at the start of a file it would read as a byte-order mark
                        throw ManifestError("\(path): a txt manifest cannot hold this path (tab, line break, edge white space or a leading byte-order mark); use \(setting: .format) csv or json")
                    }
                }
                out += entry.label.map { entry.image + "\t" + $0 } ?? entry.image
                out += "\n"
            }
            return out
        case .csv:
            let hasLabels = entries.contains { $0.label != nil }
            let table = Table(columns: hasLabels ? ["image", "label"] : ["image"],
                              rows: entries.map { hasLabels ? [$0.image, $0.label ?? ""] : [$0.image] })
            return table.csv()
        case .json:
            let objects: [[String: Any]] = entries.map { entry in
                var object: [String: Any] = ["image": entry.image]
                if let label = entry.label { object["label"] = label }
                return object
            }
            return JSONText.encode(objects)
        }
    }

    /// Parses manifest text; `source` names it in errors (with line numbers).
    /// A leading byte-order mark is ignored.
    public static func parse(_ text: String, format: ManifestFormat, source: String) throws -> [ManifestEntry] {
        let text = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        switch format {
        case .txt:
            var entries: [ManifestEntry] = []
            // "\r\n" is one Character in Swift, so it is a separator of its own.
            let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            for (number, rawLine) in lines.enumerated() {
                // As `line.strip()` does in the loaders: white space at either end of a line is not part of a path.
                let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
                if line.isEmpty { continue }
                let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                guard (1...2).contains(fields.count), !fields.contains(where: \.isEmpty) else {
                    throw ManifestError("\(source):\(number + 1): expected 'image<TAB>label' or 'image', got \(fields.count) fields")
                }
                entries.append(ManifestEntry(image: fields[0], label: fields.count == 2 ? fields[1] : nil))
            }
            return entries
        case .csv:
            let rows = try parseCSV(text, source: source)
            guard let header = rows.first else { return [] }
            guard let imageColumn = header.firstIndex(of: "image") else {
                throw ManifestError("\(source):1: the CSV header has no 'image' column")
            }
            let labelColumn = header.firstIndex(of: "label")
            return try rows.dropFirst().enumerated().compactMap { offset, row in
                if row.count == 1 && row[0].isEmpty { return nil }
                guard row.count == header.count else {
                    throw ManifestError("\(source):\(offset + 2): \(row.count) fields, the header has \(header.count)")
                }
                guard !row[imageColumn].isEmpty else { throw ManifestError("\(source):\(offset + 2): the image path is empty") }
                let label = labelColumn.map { row[$0] }
                return ManifestEntry(image: row[imageColumn], label: label?.isEmpty == true ? nil : label)
            }
        case .json:
            guard let array = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any] else {
                throw ManifestError("\(source): not a JSON array of {\"image\", \"label\"} objects")
            }
            return try array.enumerated().map { index, item in
                // Empty paths: an image is required; an empty label means none, as in CSV.
                if let path = item as? String, !path.isEmpty { return ManifestEntry(image: path, label: nil) }
                guard let object = item as? [String: Any], let image = object["image"] as? String, !image.isEmpty else {
                    throw ManifestError("\(source): entry \(index) has no \"image\" path")
                }
                let label = object["label"] as? String
                return ManifestEntry(image: image, label: label?.isEmpty == true ? nil : label)
            }
        }
    }

    /// Reads and parses a manifest file, resolving relative paths against its folder.
    public static func read(_ path: String) throws -> [ManifestEntry] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ManifestError("\(path): cannot read the manifest")
        }
        let folder = (path as NSString).deletingLastPathComponent
        return try parse(String(decoding: data, as: UTF8.self), format: .of(path: path), source: path).map { entry in
            ManifestEntry(image: resolve(entry.image, in: folder), label: entry.label.map { resolve($0, in: folder) })
        }
    }

    /// `path` as seen from `folder` (absolute paths stay as they are).
    /// The joined path is tidied (`a/splits/../images/7.png` → `a/images/7.png`)
    /// when the tidy spelling names the same file (no symlink in between
    /// makes `..` mean something else), so messages show readable paths.
    public static func resolve(_ path: String, in folder: String) -> String {
        if path.hasPrefix("/") || folder.isEmpty { return path }
        let joined = folder + "/" + path
        let tidy = InputFiles.lexicallyNormalized(joined)
        guard tidy != joined, !tidy.isEmpty else { return joined }
        var a = stat(), b = stat()
        let aOK = stat(joined, &a) == 0, bOK = stat(tidy, &b) == 0
        if aOK != bOK { return joined }
        if aOK && (a.st_dev != b.st_dev || a.st_ino != b.st_ino) { return joined }
        // Both missing: the folder part decides; tidy only when it resolves alike.
        if !aOK && InputFiles.canonical((joined as NSString).deletingLastPathComponent) != InputFiles.canonical((tidy as NSString).deletingLastPathComponent) { return joined }
        return tidy
    }

    /// The relative path from folder `from` to `to` (both absolute and
    /// normalised), e.g. from `/d/splits` to `/d/images/7.png` → `../images/7.png`.
    public static func relativePath(from: String, to: String) -> String {
        let a = from.split(separator: "/"), b = to.split(separator: "/")
        var common = 0
        while common < a.count && common < b.count && a[common] == b[common] { common += 1 }
        let ups = Array(repeating: "..", count: a.count - common)
        return (ups + b[common...].map(String.init)).joined(separator: "/")
    }

    private static func parseCSV(_ text: String, source: String) throws -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false, wasQuoted = false
        var chars = Array(text.unicodeScalars)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { field.unicodeScalars.append("\""); chars.removeFirst() } else { quoted = false }
                } else {
                    field.unicodeScalars.append(c)
                }
            } else if c == "\"" && field.isEmpty && !wasQuoted {
                quoted = true
                wasQuoted = true
            } else if c == "," {
                row.append(field); field = ""; wasQuoted = false
            } else if c == "\n" || c == "\r" {
                if c == "\r" && chars.first == "\n" { chars.removeFirst() }
                row.append(field); rows.append(row); row = []; field = ""; wasQuoted = false
            } else {
                field.unicodeScalars.append(c)
            }
        }
        if quoted { throw ManifestError("\(source): unterminated quoted field") }
        if !field.isEmpty || !row.isEmpty || wasQuoted { row.append(field); rows.append(row) }
        return rows
    }
}
