import Dispatch
import Foundation
import SegFiles
import SegCore
import SegImage

/// A source pair and its augmented copies, for the preview sheet.
public struct PreviewTiles: @unchecked Sendable {
    var source: (Image, Image)
    var copies: [(Image, Image)]
}

/// A contact sheet: one row per source pair (the first four), the original
/// then up to four copies, each image in grey with its label's boundaries
/// drawn in colour (VOC colours by class), scaled to at most 192 px wide.
enum PreviewSheet {
    static let tile = 192, gap = 4

    static func write(_ rows: [PreviewTiles], to path: String) throws {
        guard !rows.isEmpty else { throw PrepError("nothing to preview", .badInput) }
        let columns = 1 + min(4, rows.map(\.copies.count).max() ?? 0)
        let rendered = rows.map { row in ([row.source] + row.copies.prefix(4)).map { render($0.0, $0.1) } }
        let cellH = rendered.flatMap { $0 }.map(\.height).max() ?? tile
        let width = columns * (tile + gap) + gap, height = rows.count * (cellH + gap) + gap
        var pixels = [UInt8](repeating: 255, count: width * height * 3)
        for (r, row) in rendered.enumerated() {
            for (c, cell) in row.enumerated() {
                let ox = gap + c * (tile + gap), oy = gap + r * (cellH + gap)
                guard case .uint8(let s) = cell.samples else { continue }
                for y in 0..<cell.height {
                    for x in 0..<cell.width {
                        for k in 0..<3 { pixels[((oy + y) * width + ox + x) * 3 + k] = s[(y * cell.width + x) * 3 + k] }
                    }
                }
            }
        }
        try ImageWriter.write(Image(width: width, height: height, colorModel: .rgb, samples: .uint8(pixels)), to: path, as: .png())
    }

    /// The image in grey (nearest-neighbour downscale) with label boundaries in colour.
    static func render(_ image: Image, _ label: Image) -> Image {
        let scale = max(1, (image.width + tile - 1) / tile)
        let w = image.width / scale, h = image.height / scale
        let gray = image.grayLevels8()
        let classes: [Int]
        switch label.labelPlane() {
        case .values8(let v)?: classes = v.map(Int.init)
        case .values16(let v)?: classes = v.map(Int.init)
        case nil: classes = [Int](repeating: 0, count: label.pixelCount)
        }
        var out = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h {
            for x in 0..<w {
                let sx = x * scale, sy = y * scale
                let v = classes[sy * image.width + sx]
                var boundary = false
                for (nx, ny) in [(sx + scale, sy), (sx, sy + scale)] where nx < image.width && ny < image.height {
                    if classes[ny * image.width + nx] != v { boundary = true }
                }
                let o = (y * w + x) * 3
                if boundary {
                    // Binary masks (0/1, 0/255) in bright red; other classes in their VOC colour.
                    let color = v <= 1 || v == 255 ? RGBA(255, 40, 40) : Palettes.voc[min(v, 255)]
                    out[o] = color.r; out[o + 1] = color.g; out[o + 2] = color.b
                } else {
                    let g = gray[sy * image.width + sx]
                    out[o] = g; out[o + 1] = g; out[o + 2] = g
                }
            }
        }
        return Image(width: w, height: h, colorModel: .rgb, samples: .uint8(out))
    }
}
