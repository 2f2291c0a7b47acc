import Foundation
import SegCore

/// `--group-by REGEX`: the group of an image is the first capture group of
/// the pattern (or the whole match when it has none), searched in the
/// image's file name — or, when the pattern contains a `/`, in its path:
/// the whole path first, then each shorter tail that starts after a `/`
/// (so `^(P\d+)/` finds `P1/3.png` inside `/data/images/P1/3.png`).
public struct GroupPattern: @unchecked Sendable {
    private let regex: NSRegularExpression
    private let wholePath: Bool

    public init(_ pattern: String) throws {
        do { regex = try NSRegularExpression(pattern: pattern) } catch {
            throw PrepError("\(setting: .groupBy): '\(pattern)' is not a valid regular expression", .usage)
        }
        wholePath = pattern.contains("/")
    }

    /// The group of `path`, or nil when the pattern does not match.
    public func group(of path: String) -> String? {
        let candidates: [String]
        if wholePath {
            candidates = [path] + path.indices.filter { path[$0] == "/" }.map { String(path[path.index(after: $0)...]) }
        } else {
            candidates = [String(path.split(separator: "/").last ?? Substring(path))]
        }
        for text in candidates {
            let range = NSRange(text.startIndex..., in: text)
            guard let match = regex.firstMatch(in: text, range: range) else { continue }
            let capture = match.numberOfRanges > 1 && match.range(at: 1).location != NSNotFound ? match.range(at: 1) : match.range
            return Range(capture, in: text).map { String(text[$0]) }
        }
        return nil
    }
}
