import SegCore
import SegImage

/// The stored values of a ground-truth image before they become classes:
/// the reference gray levels (binary masks) or the raw label values (class
/// indices), and the facts the `auto` convention looks at.
public struct GTPlane: Sendable {
    public let width: Int, height: Int
    /// 8-bit values (1-bit masks keep their 0/1), or nil when 16-bit.
    public let values8: [UInt8]?
    public let values16: [UInt16]?
    public let oneBit: Bool
    public let palette: Bool
    /// 8-bit single-channel gray as stored (no conversion was needed).
    public let plainGray8: Bool
    /// A colour image that is not gray: only binary reading is possible.
    public let colour: Bool
    /// Classes from a colour table (`--gt-colors FILE`): `values8` holds them.
    public let fromColorTable: Bool
    /// How a colour image is read (``GTColors``).
    let colorReading: GTColors
    /// Reference gray of a colour or 16-bit image, for binary reading.
    let gray: [UInt8]?

    /// Reads the stored values; with a colour table (`colors` = `.table`)
    /// every image is read by its colours, as `segprep remap --colors` reads
    /// it — RGB, palette entries and gray as (v, v, v) — throwing for colours
    /// the table does not list. `grayOf16Bit` false spares a 16-bit label
    /// map its reference gray when no family binarises it.
    public init(_ image: Image, format: ImageFormat, path: String, colors: GTColors = .refuse, grayOf16Bit: Bool = true) throws {
        width = image.width
        height = image.height
        colorReading = colors
        if case .table(let table) = colors {
            guard let packed = image.colorPlane() else {
                throw EvalError(.input, "\(path): a 16-bit colour image cannot be read through a colour table")
            }
            var classes = [UInt8](repeating: 0, count: packed.count)
            var unknown: [UInt32: Int] = [:]
            for (i, c) in packed.enumerated() {
                if let cls = table[c] { classes[i] = cls } else { unknown[c, default: 0] += 1 }
            }
            if !unknown.isEmpty {
                let list = unknown.sorted { $0.value > $1.value }.prefix(5).map { "\(ColorTable.text($0.key)) (\($0.value) px)" }
                throw EvalError(.input, "\(path): colours not in the \(setting: .gtColors) table: \(list.joined(separator: ", "))\(unknown.count > 5 ? " and \(unknown.count - 5) more" : "")")
            }
            values8 = classes; values16 = nil
            oneBit = false; palette = false; plainGray8 = false; colour = false
            fromColorTable = true
            gray = nil
            return
        }
        fromColorTable = false
        oneBit = image.sourceBitDepth == 1 && image.colorModel != .palette
        palette = image.colorModel == .palette
        plainGray8 = image.colorModel == .gray && image.sourceBitDepth == 8
        switch image.labelPlane() {
        case .values8(let v)?:
            // 1-bit masks keep 0/1 (the raw samples); everything else as labelPlane gives it.
            if oneBit, case .uint8(let raw) = image.samples { values8 = raw } else { values8 = v }
            values16 = nil
            colour = false
        case .values16(let v)?:
            values8 = nil
            values16 = v
            colour = false
        case nil:
            values8 = nil
            values16 = nil
            colour = true
        }
        // Binary reading uses OpenCV's gray; it differs from the stored values
        // only for colour, 16-bit and 2/4-bit images.
        gray = (colour || values16 != nil && grayOf16Bit || (!oneBit && !palette && image.sourceBitDepth < 8) || image.colorModel == .rgb || image.colorModel == .rgba)
            ? ReferenceGray.levels(image, format: format) : nil
    }

    /// Histogram of `values8`, for ``GroundTruth/init(_:valueCounts:path:mode:classes:ignoreIndex:)``.
    public func valueCounts() -> [Int] {
        var counts = [Int](repeating: 0, count: 256)
        guard let v = gray ?? values8 else { return counts }
        precondition(v.count < 1 << 32, "an image of 2³² pixels or more")
        // Four interleaved tables (pixels i, i+1, i+2, i+3 in different ones), so that
        // runs of one value do not serialise on one counter.
        var tables = [UInt32](repeating: 0, count: 4 * 256)
        v.withUnsafeBufferPointer { p in
            tables.withUnsafeMutableBufferPointer { t in
                var i = 0
                while i + 4 <= p.count {
                    t[Int(p[i])] &+= 1
                    t[256 + Int(p[i + 1])] &+= 1
                    t[512 + Int(p[i + 2])] &+= 1
                    t[768 + Int(p[i + 3])] &+= 1
                    i += 4
                }
                while i < p.count { t[Int(p[i])] &+= 1; i += 1 }
            }
        }
        for value in 0..<256 { counts[value] = Int(tables[value]) + Int(tables[256 + value]) + Int(tables[512 + value]) + Int(tables[768 + value]) }
        return counts
    }
}
