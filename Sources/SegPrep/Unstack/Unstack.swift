import Foundation
import SegImage

/// Splits a multi-page TIFF (e.g. ISBI 2012's 30-page `train-volume.tif`)
/// into one PNG per page, named by a pattern: by default `OUT/STEM_00.png`,
/// `OUT/STEM_01.png`, … with zero-padded page numbers; `{page}.png` for the
/// volume and the labels gives names that pair (`00.png` ↔ `00.png`).
/// Returns the written paths; `written` is called with each one as soon as it exists.
public enum Unstack {
    /// The default name pattern.
    public static let defaultPattern = "{stem}_{page}.png"

    /// Checks a name pattern: `{page}` (zero-padded) or `{n}` (plain page
    /// number) must appear, `{stem}` may, the name ends in `.png` and has no `/`.
    public static func validate(pattern: String) throws {
        guard pattern.contains("{page}") || pattern.contains("{n}") else {
            throw PrepError("'\(pattern)' must contain {page} or {n}, or every page gets one name", .usage)
        }
        guard !pattern.contains("/"), pattern.lowercased().hasSuffix(".png") else {
            throw PrepError("'\(pattern)' must be a file name ending in .png", .usage)
        }
    }

    /// The file name of page `index` of `count` under `pattern`.
    public static func name(pattern: String, stem: String, index: Int, count: Int) -> String {
        let digits = max(2, String(count - 1).count)
        let number = String(repeating: "0", count: max(0, digits - String(index).count)) + String(index)
        return pattern.replacingOccurrences(of: "{stem}", with: stem).replacingOccurrences(of: "{page}", with: number)
            .replacingOccurrences(of: "{n}", with: String(index))
    }

    public static func run(_ path: String, outputDirectory: String, pattern: String = defaultPattern, options: DecodeOptions = DecodeOptions(),
                           overwrite: Bool = false, written onWrite: (String) -> Void = { _ in }) throws -> [String] {
        try validate(pattern: pattern)
        try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
        let stem = (path as NSString).lastPathComponent.split(separator: ".").first.map(String.init) ?? "page"
        var written: [String] = []
        try ImageReader.forEachPage(path, options: options) { index, count, image in
            let out = (outputDirectory as NSString).appendingPathComponent(name(pattern: pattern, stem: stem, index: index, count: count))
            try ImageWriter.write(image, to: out, as: .png(level: 6), overwrite: overwrite)
            written.append(out)
            onWrite(out)
        }
        return written
    }
}
