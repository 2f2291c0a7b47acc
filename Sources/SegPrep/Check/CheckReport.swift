import Dispatch
import Foundation
import SegFiles
import SegCore
import SegImage
#if canImport(Glibc)
import Glibc
#endif

/// The outcome of `check`.
public struct CheckReport: Sendable {
    public let findings: [Finding]
    public let splits: [CheckSplitSummary]
}

extension CheckReport {
    /// Findings, one line each, then per-split summaries: for people.
    public func text() -> String {
        var out = ""
        for finding in findings { out += "\(finding.kind.rawValue): \(finding.message)\n" }
        out += findings.isEmpty ? "no findings\n" : "\(findings.count) finding(s)\n"
        var table = Table(columns: ["split", "entries", "labelled", "class pixel shares", "sizes"])
        for split in splits {
            let total = max(1, split.classPixels.total)
            let shares = split.classPixels.values.map { "\($0): \(String(format: "%.2f%%", 100 * Double(split.classPixels.counts[$0]!) / Double(total)))" }
            let sizes = split.sizes.keys.sorted(by: NaturalOrder.less).map { "\($0) ×\(split.sizes[$0]!)" }
            table.rows.append([split.name, String(split.entries), String(split.labelled),
                               shares.joined(separator: ", "),  // every value: a damaged mask's stray values are pixels too
                               sizes.prefix(4).joined(separator: ", ") + (sizes.count > 4 ? ", …" : "")])
        }
        return out + table.text()
    }

    /// Everything as one JSON document: for programs.
    public func json() -> String {
        let object: [String: Any] = [
            "ok": findings.isEmpty,
            "findings": findings.map { ["kind": $0.kind.rawValue, "splits": $0.splits, "files": $0.files, "message": $0.message] },
            "splits": splits.map { split -> [String: Any] in
                [
                    "name": split.name, "entries": split.entries, "labelled": split.labelled,
                    "class_pixels": Dictionary(uniqueKeysWithValues: split.classPixels.counts.map { (String($0.key), $0.value) }),
                    "sizes": split.sizes,
                ]
            },
        ]
        return JSONText.encode(object)
    }
}
