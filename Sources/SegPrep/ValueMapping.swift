import Foundation

/// How `remap` turns label values into output values (all outputs 0…255).
public enum ValueMapping: Sendable, Equatable {
    /// Listed values map to listed outputs; any other value is an error,
    /// or becomes `unmapped` when that is set.
    case table([Int: UInt8], unmapped: UInt8?)
    /// Values ≥ the threshold become 1, the others 0.
    case threshold(Int)
    /// Every value snaps to the listed source value nearest to it (ties go to
    /// the smaller source value), then maps like `.table`.
    case nearest([Int: UInt8])
    /// Class indices 0…k−1 back to viewable grey: class c → round(255·c/(k−1)).
    case visual(classes: Int)
    /// Packed 0xRRGGBB colours to classes; other colours error, or become `unmapped`.
    case colors([UInt32: UInt8], unmapped: UInt8?)

    /// The default: 0 → 0 and 255 → 1 (ISBI, lung-CT and SOD conventions;
    /// 1-bit 0/1 masks count as 0/255).
    public static let binary = ValueMapping.table([0: 0, 255: 1], unmapped: nil)

    /// True when the mapping reads colours rather than single values.
    public var readsColors: Bool { if case .colors = self { return true } else { return false } }

    /// A short human description used in reports (`0:0,255:1`, `>=128`, …).
    public var summary: String {
        switch self {
        case .table(let pairs, let unmapped):
            return pairsText(pairs) + (unmapped.map { ", others:\($0)" } ?? "")
        case .threshold(let t): return ">=\(t) -> 1, else 0"
        case .nearest(let pairs): return "nearest of " + pairsText(pairs)
        case .visual(let k): return "visual (\(k) classes over 0..255)"
        case .colors(let table, let unmapped):
            return "\(table.count) colours" + (unmapped.map { ", others:\($0)" } ?? "")
        }
    }

    private func pairsText(_ pairs: [Int: UInt8]) -> String {
        pairs.keys.sorted().map { "\($0):\(pairs[$0]!)" }.joined(separator: ",")
    }

    /// Output value of `value`, or nil when the mapping does not cover it.
    public func output(for value: Int) -> UInt8? {
        switch self {
        case .table(let pairs, let unmapped): return pairs[value] ?? unmapped
        case .threshold(let t): return value >= t ? 1 : 0
        case .nearest(let pairs):
            guard let source = pairs.keys.min(by: { (abs($0 - value), $0) < (abs($1 - value), $1) }) else { return nil }
            return pairs[source]
        case .visual(let k):
            guard value >= 0 && value < k else { return nil }
            return k == 1 ? 0 : UInt8((255 * value + (k - 1) / 2) / (k - 1))
        case .colors(let table, let unmapped): return table[UInt32(truncatingIfNeeded: value)] ?? unmapped
        }
    }
}

/// A malformed `--map`, `--colors` or similar specification.
public struct MappingSyntaxError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Parsers for the textual forms of mappings.
public enum MappingParser {
    /// Parses `0:0,255:1,128:255` (source:output pairs, outputs 0…255).
    public static func pairs(_ text: String) throws -> [Int: UInt8] {
        var result: [Int: UInt8] = [:]
        let items = text.split(separator: ",", omittingEmptySubsequences: false)
        for item in items {
            let parts = item.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2,
                  let source = Int(parts[0].trimmingCharacters(in: .whitespaces)),
                  let target = Int(parts[1].trimmingCharacters(in: .whitespaces)) else {
                throw MappingSyntaxError("--map: '\(item)' is not a SOURCE:OUTPUT pair (e.g. 0:0,255:1)")
            }
            guard (0...65535).contains(source) else { throw MappingSyntaxError("--map: source value \(source) is outside 0..65535") }
            guard (0...255).contains(target) else { throw MappingSyntaxError("--map: output value \(target) is outside 0..255") }
            if let existing = result[source], existing != UInt8(target) {
                throw MappingSyntaxError("--map: value \(source) is mapped twice (\(existing) and \(target))")
            }
            result[source] = UInt8(target)
        }
        guard !result.isEmpty else { throw MappingSyntaxError("--map: no pairs given") }
        return result
    }

    /// Parses a list of values such as `0,1` or `0,255` (each 0…65535).
    public static func values(_ text: String) throws -> [Int] {
        let values = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0 != nil && (0...65535).contains($0!) }) else {
            throw MappingSyntaxError("'\(text)' is not a comma-separated list of values 0…65535")
        }
        return values.map { $0! }
    }

    /// Parses a colour table: either JSON (`{"R,G,B": class, "#RRGGBB": class}`)
    /// or text lines `R,G,B -> class` / `#RRGGBB -> class`. A line starting
    /// with `#` but not with a `#RRGGBB` colour is a comment, as is anything after ` #`.
    public static func colors(_ text: String, source: String) throws -> [UInt32: UInt8] {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var entries: [(String, String, Int)] = []  // (colour text, class text, line)
        if trimmed.hasPrefix("{") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [String: Any] else {
                throw MappingSyntaxError("\(source): not a JSON object of \"R,G,B\": class pairs")
            }
            for key in object.keys.sorted() {
                guard let value = object[key] as? Int else {
                    throw MappingSyntaxError("\(source): class for \"\(key)\" is not an integer")
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
                    throw MappingSyntaxError("\(source):\(number + 1): expected 'R,G,B -> class', got '\(line)'")
                }
                entries.append((parts[0].trimmingCharacters(in: .whitespaces), parts[1].trimmingCharacters(in: .whitespaces), number + 1))
            }
        }
        var table: [UInt32: UInt8] = [:]
        for (colorText, classText, line) in entries {
            let place = line > 0 ? "\(source):\(line)" : source
            guard let color = parseColor(colorText) else {
                throw MappingSyntaxError("\(place): '\(colorText)' is not a colour (R,G,B with 0..255 each, or #RRGGBB)")
            }
            guard let cls = Int(classText), (0...255).contains(cls) else {
                throw MappingSyntaxError("\(place): class '\(classText)' is not an integer in 0..255")
            }
            if let existing = table[color], existing != UInt8(cls) {
                throw MappingSyntaxError("\(place): colour \(colorText) is mapped twice (\(existing) and \(cls))")
            }
            table[color] = UInt8(cls)
        }
        guard !table.isEmpty else { throw MappingSyntaxError("\(source): no colours listed") }
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
    public static func colorText(_ packed: UInt32) -> String {
        "\(packed >> 16 & 0xFF),\(packed >> 8 & 0xFF),\(packed & 0xFF)"
    }
}
