import Foundation
import SegCore

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
                throw MappingSyntaxError("'\(item)' is not a SOURCE:OUTPUT pair (e.g. 0:0,255:1)")
            }
            guard (0...65535).contains(source) else { throw MappingSyntaxError("source value \(source) is outside 0..65535") }
            guard (0...255).contains(target) else { throw MappingSyntaxError("output value \(target) is outside 0..255") }
            if let existing = result[source], existing != UInt8(target) {
                throw MappingSyntaxError("value \(source) is mapped twice (\(existing) and \(target))")
            }
            result[source] = UInt8(target)
        }
        guard !result.isEmpty else { throw MappingSyntaxError("no pairs given") }
        return result
    }

    /// Parses a list of values such as `0,1`, `0,255` or `0-150,255`
    /// (each 0…65535; `a-b` is every value from a to b).
    public static func values(_ text: String) throws -> [Int] {
        let bad = MappingSyntaxError("'\(text)' is not a comma-separated list of values 0…65535 or ranges a-b")
        var values: [Int] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let ends = item.split(separator: "-", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard (1...2).contains(ends.count), let low = ends.first!, let high = ends.last!,
                  (0...65535).contains(low), (low...65535).contains(high) else { throw bad }
            values.append(contentsOf: low...high)
        }
        guard !values.isEmpty else { throw bad }
        return values
    }
}
