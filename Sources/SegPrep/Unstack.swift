import Foundation
import SegImage

/// Splits a multi-page TIFF (e.g. ISBI 2012's 30-page `train-volume.tif`)
/// into one PNG per page: `OUT/STEM_00.png`, `OUT/STEM_01.png`, … with
/// zero-padded page numbers. Returns the written paths; `written` is called
/// with each one as soon as it exists.
public enum Unstack {
    public static func run(_ path: String, outputDirectory: String, options: DecodeOptions = DecodeOptions(),
                           overwrite: Bool = false, written onWrite: (String) -> Void = { _ in }) throws -> [String] {
        try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
        let stem = (path as NSString).lastPathComponent.split(separator: ".").first.map(String.init) ?? "page"
        var written: [String] = []
        try ImageReader.forEachPage(path, options: options) { index, count, image in
            let digits = max(2, String(count - 1).count)
            let number = String(repeating: "0", count: max(0, digits - String(index).count)) + String(index)
            let out = (outputDirectory as NSString).appendingPathComponent("\(stem)_\(number).png")
            try ImageWriter.write(image, to: out, as: .png(level: 6), overwrite: overwrite)
            written.append(out)
            onWrite(out)
        }
        return written
    }
}
