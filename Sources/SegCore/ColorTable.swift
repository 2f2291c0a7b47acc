import Foundation

/// A colour table's syntax error, naming the file and line.
public struct ColorTableError: CategorizedError, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
    /// `usage`: the table an option names is unusable.
    public var category: FailureCategory { .usage }
}

/// Colour → class tables for colour-coded masks (`segprep remap --colors`,
/// `segeval --gt-colors`): one syntax for every tool that reads them.
public enum ColorTable {
    /// Reads and parses the table file at `path`.
    public static func read(_ path: String) throws -> [UInt32: UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ColorTableError("\(path): cannot read the colour table")
        }
        return try parse(String(decoding: data, as: UTF8.self), source: path)
    }

    /// Parses a colour table: either JSON (`{"R,G,B": class, "#RRGGBB": class}`)
    /// or text lines `R,G,B -> class` / `#RRGGBB -> class`. A line starting
    /// with `#` but not with a `#RRGGBB` colour is a comment, as is anything after ` #`.
    public static func parse(_ text: String, source: String) throws -> [UInt32: UInt8] {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var entries: [(String, String, Int)] = []  // (colour text, class text, line)
        if trimmed.hasPrefix("{") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [String: Any] else {
                throw ColorTableError("\(source): not a JSON object of \"R,G,B\": class pairs")
            }
            for key in object.keys.sorted() {
                guard let value = object[key] as? Int else {
                    throw ColorTableError("\(source): class for \"\(key)\" is not an integer")
                }
                entries.append((key, String(value), 0))
            }
        } else {
            for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                var line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
                if line.hasPrefix("#") && !startsWithHexColor(line) { continue }  // a comment line
                if let hash = line.range(of: " #") ?? line.range(of: "\t#") { line = String(line[..<hash.lowerBound]) }
                line = line.trimmingCharacters(in: .whitespaces)
                if line.isEmpty { continue }
                let parts = line.components(separatedBy: "->")
                guard parts.count == 2 else {
                    throw ColorTableError("\(source):\(number + 1): expected 'R,G,B -> class', got '\(line)'")
                }
                entries.append((parts[0].trimmingCharacters(in: .whitespaces), parts[1].trimmingCharacters(in: .whitespaces), number + 1))
            }
        }
        var table: [UInt32: UInt8] = [:]
        for (colorText, classText, line) in entries {
            let place = line > 0 ? "\(source):\(line)" : source
            guard let color = parseColor(colorText) else {
                throw ColorTableError("\(place): '\(colorText)' is not a colour (R,G,B with 0..255 each, or #RRGGBB)")
            }
            guard let cls = Int(classText), (0...255).contains(cls) else {
                throw ColorTableError("\(place): class '\(classText)' is not an integer in 0..255")
            }
            if let existing = table[color], existing != UInt8(cls) {
                throw ColorTableError("\(place): colour \(colorText) is mapped twice (\(existing) and \(cls))")
            }
            table[color] = UInt8(cls)
        }
        guard !table.isEmpty else { throw ColorTableError("\(source): no colours listed") }
        return table
    }

    /// True for lines like `#A0B1C2 -> 3` (as opposed to `# a comment`).
    private static func startsWithHexColor(_ line: String) -> Bool {
        let chars = Array(line.dropFirst().prefix(7))
        guard chars.count >= 6, chars.prefix(6).allSatisfy(\.isHexDigit) else { return false }
        return chars.count == 6 || chars[6] == " " || chars[6] == "-" || chars[6] == "\t"
    }

    /// `R,G,B` or `#RRGGBB` → 0xRRGGBB.
    public static func parseColor(_ text: String) -> UInt32? {
        if text.hasPrefix("#") {
            let hex = text.dropFirst()
            guard hex.count == 6, let v = UInt32(hex, radix: 16) else { return nil }
            return v
        }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 3, parts.allSatisfy({ $0 != nil && (0...255).contains($0!) }) else { return nil }
        return UInt32(parts[0]!) << 16 | UInt32(parts[1]!) << 8 | UInt32(parts[2]!)
    }

    /// `0xRRGGBB` → `R,G,B`.
    public static func text(_ packed: UInt32) -> String {
        "\(packed >> 16 & 0xFF),\(packed >> 8 & 0xFF),\(packed & 0xFF)"
    }
}
