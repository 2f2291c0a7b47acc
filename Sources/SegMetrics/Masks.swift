import SegCore
import SegImage

/// How ground-truth values become classes.
public enum GTValues: String, Sendable, CaseIterable, Codable {
    /// Binary masks: class 1 where the value is > 128 on the 0…255 scale
    /// (1-bit masks count as 0/255; colour becomes gray as OpenCV reads it,
    /// see ``ReferenceGray``).
    case binary
    /// The stored value is the class (palette index or gray value); the
    /// ignore index marks pixels left out.
    case index
    /// `index` for palette images, 8-bit gray files whose values are all
    /// below the class count (or the ignore index) and include 1, and
    /// whenever there are more than two classes; `binary` otherwise.
    case auto
}

/// How prediction values become classes for the confusion-matrix metrics.
public enum PredValues: String, Sendable, CaseIterable, Codable {
    /// Foreground where `v / max ≥ threshold` (8-bit max 255, 16-bit 65535).
    case probability
    /// The stored value is the class.
    case index
    /// `index` for palette and 1-bit images, 8-bit files holding only values
    /// below the class count, and more than two classes; `probability` otherwise.
    case auto
}

/// How ground truth with real colours (RGB whose channels differ) is read.
/// Colour masks are refused unless the user says how to read them: a
/// red-on-black mask turned gray is 76 and silently all background.
public enum GTColors: Sendable, Equatable, Codable {
    /// A colour GT is an error naming the file and the two ways out.
    case refuse
    /// OpenCV's gray conversion (``ReferenceGray``), then the binary rule.
    case gray
    /// Colour → class, as `segprep remap --colors` reads it; a colour not in
    /// the table is an error.
    case table([UInt32: UInt8])
}

/// A problem with one input pair, named by file.
public struct EvalError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable { case usage, input }
    public let kind: Kind
    public let description: String
    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}

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
    /// the table does not list.
    public init(_ image: Image, format: ImageFormat, path: String, colors: GTColors = .refuse) throws {
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
                throw EvalError(.input, "\(path): colours not in the --gt-colors table: \(list.joined(separator: ", "))\(unknown.count > 5 ? " and \(unknown.count - 5) more" : "")")
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
        gray = (colour || values16 != nil || (!oneBit && !palette && image.sourceBitDepth < 8) || image.colorModel == .rgb || image.colorModel == .rgba)
            ? ReferenceGray.levels(image, format: format) : nil
    }

    /// Histogram of `values8`, for ``GroundTruth/init(_:valueCounts:path:mode:classes:ignoreIndex:)``.
    public func valueCounts() -> [Int] {
        var counts = [Int](repeating: 0, count: 256)
        if let v = gray ?? values8 {
            v.withUnsafeBufferPointer { p in for x in p { counts[Int(x)] += 1 } }
        }
        return counts
    }
}

/// Ground-truth classes of one image: `0..<classes`, and `classes` itself
/// for ignored pixels, as a table from stored value to class.
public struct GroundTruth: Sendable {
    public let plane: GTPlane
    public var width: Int { plane.width }
    public var height: Int { plane.height }
    /// The per-pixel values the table applies to.
    public let values8: [UInt8]?
    public let values16: [UInt16]?
    /// Class (or the ignore code) of each stored value.
    public let classOfValue: [UInt8]
    /// Pixels whose value was neither 0 nor 255 in a binary mask (JPEG damage,
    /// resampling): they were binarised at > 128 like the reference tools do.
    public let nonBinaryPixels: Int
    /// Read as class indices, yet the only values are 0 and the ignore index:
    /// most likely a 0/255 mask whose foreground is now ignored (mmseg's
    /// classic pitfall), worth a warning.
    public let onlyBackgroundAndIgnore: Bool

    /// Resolves the convention and the value table. `valueCounts` is the
    /// histogram of the 8-bit values (``GTPlane/valueCounts()``), or nil for
    /// 16-bit planes. Throws for values that are neither a class nor the
    /// ignore index.
    public init(_ plane: GTPlane, valueCounts: [Int]?, path: String, mode: GTValues, classes k: Int, ignoreIndex: Int?) throws {
        self.plane = plane
        let ignoreCode = UInt8(k)
        if plane.oneBit {
            // 0/1 in the file, whichever convention: the same mask.
            values8 = plane.values8; values16 = nil
            classOfValue = (0..<256).map { $0 == 0 ? 0 : 1 }
            nonBinaryPixels = 0
            onlyBackgroundAndIgnore = false
            return
        }
        var resolved = mode
        if plane.colour && plane.colorReading == .refuse {
            throw EvalError(.input, "\(path): colour ground truth (RGB with real colours); say how to read it: --gt-colors FILE (colour → class, as segprep remap --colors) or --gt-colors gray (OpenCV's gray, then > 128)")
        }
        if plane.fromColorTable { resolved = .index }
        if mode == .auto && !plane.fromColorTable {
            if k > 2 || plane.palette {
                resolved = .index
            } else if plane.plainGray8, let counts = valueCounts {
                let onlyClasses = (0..<256).allSatisfy { counts[$0] == 0 || $0 < k || $0 == ignoreIndex }
                // 0/255 masks are binary even though 255 is the usual ignore index.
                resolved = onlyClasses && counts[1] > 0 ? .index : .binary
            } else {
                resolved = .binary
            }
        }
        if resolved == .binary {
            values8 = plane.gray ?? plane.values8
            values16 = nil
            let counts = valueCounts ?? [Int](repeating: 0, count: 256)
            if mode == .binary, plane.plainGray8, counts[1] > 0, counts[2...].allSatisfy({ $0 == 0 }) {
                throw EvalError(.input, "\(path): ground truth holds 0/1 values; read it with --gt-values index (or auto)")
            }
            classOfValue = (0..<256).map { $0 > 128 ? 1 : 0 }
            nonBinaryPixels = (1..<255).reduce(0) { $0 + counts[$1] }
            onlyBackgroundAndIgnore = false
            return
        }
        if plane.colour {
            throw EvalError(.input, "\(path): colour mask; convert it to class indices first (segprep remap --colors)")
        }
        values8 = plane.values8
        values16 = plane.values16
        var table = [UInt8](repeating: 0, count: plane.values16 != nil ? 65536 : 256)
        var bad: [Int] = []
        var present = [Bool](repeating: true, count: table.count)
        if let counts = valueCounts, plane.values16 == nil {
            present = counts.map { $0 > 0 }
        } else if let v = plane.values16 {
            present = [Bool](repeating: false, count: 65536)
            for x in v { present[Int(x)] = true }
        }
        for value in table.indices {
            if let ignoreIndex, value == ignoreIndex { table[value] = ignoreCode }
            else if value < k { table[value] = UInt8(value) }
            else { table[value] = ignoreCode; if present[value] { bad.append(value) } }
        }
        if !bad.isEmpty {
            let list = bad.prefix(8).map(String.init).joined(separator: ", ")
            throw EvalError(.input, "\(path): ground-truth values \(list) are neither a class below \(k) nor the ignore index")
        }
        classOfValue = table
        nonBinaryPixels = 0
        if let counts = valueCounts, plane.values16 == nil, let ignoreIndex, ignoreIndex > 0, ignoreIndex < 256 {
            onlyBackgroundAndIgnore = counts[ignoreIndex] > 0 && counts.indices.allSatisfy { counts[$0] == 0 || $0 == 0 || $0 == ignoreIndex }
        } else {
            onlyBackgroundAndIgnore = false
        }
    }

    /// The class of every pixel.
    public func classes() -> [UInt8] {
        let table = classOfValue
        if let v = values8 {
            return v.withUnsafeBufferPointer { p in table.withUnsafeBufferPointer { t in p.map { t[Int($0)] } } }
        }
        return values16!.map { table[Int($0)] }
    }

    /// Pixels of class 1 in `classes`, and their summed row and column indices.
    static func foreground(_ classes: [UInt8], width: Int, height: Int) -> (count: Int, rowSum: Int, columnSum: Int) {
        var count = 0, rows = 0, columns = 0
        classes.withUnsafeBufferPointer { c in
            for y in 0..<height {
                var rowCount = 0
                let row = y * width
                for x in 0..<width where c[row + x] == 1 {
                    rowCount += 1
                    columns += x
                }
                count += rowCount
                rows += rowCount * y
            }
        }
        return (count, rows, columns)
    }
}

/// Prediction levels of one image and how they become classes.
public struct Prediction: Sendable {
    public let width: Int, height: Int
    /// 8-bit levels (gray, luma of RGB, palette indices), or nil for 16-bit.
    public let levels8: [UInt8]?
    public let levels16: [UInt16]?
    /// 255 or 65535: the level that means probability 1.
    public let scale: Int
    /// Class of each level, -1 where the level is not a class.
    public let classOfLevel: [Int]

    /// The level of pixel `i` (for per-pixel outputs, not hot loops).
    public func level(at i: Int) -> Int { levels8.map { Int($0[i]) } ?? Int(levels16![i]) }

    public init(_ image: Image, format: ImageFormat, path: String, mode: PredValues, classes k: Int, threshold: Double) {
        width = image.width
        height = image.height
        let oneBit = image.sourceBitDepth == 1 && image.colorModel != .palette
        if image.is16Bit && image.colorModel != .palette && image.colorModel != .rgb && image.colorModel != .rgba,
           case .values16(let v)? = image.labelPlane() {
            levels16 = v
            levels8 = nil
            scale = 65535
        } else {
            levels8 = ReferenceGray.levels(image, format: format)
            levels16 = nil
            scale = 255
        }
        var resolved = mode
        if mode == .auto {
            if k > 2 || oneBit || image.colorModel == .palette {
                resolved = .index
            } else if let l = levels8, l.allSatisfy({ $0 <= 1 }), l.contains(1) {
                resolved = .index
            } else {
                resolved = .probability
            }
        }
        let count = scale + 1, top = Double(scale)
        switch resolved {
        case .probability, .auto:
            classOfLevel = (0..<count).map { Double($0) / top >= threshold ? 1 : 0 }
        case .index:
            if oneBit {
                classOfLevel = (0..<count).map { $0 == 0 ? 0 : ($0 == 255 ? 1 : -1) }
            } else {
                classOfLevel = (0..<count).map { $0 < k ? $0 : -1 }
            }
        }
    }
}

/// 8-bit gray levels exactly as OpenCV's `imread(path, IMREAD_GRAYSCALE)`
/// gives them, which is how the reference tools read masks and maps.
///
/// OpenCV lets the codec library do the conversion, so it depends on the
/// format: for PNG, libpng's `png_set_rgb_to_gray` gives
/// `(9797 R + 19234 G + 3737 B) >> 15` (16-bit: the same with rounding on
/// the 16-bit values, then the high byte); 16-bit gray keeps its high byte;
/// for TIFF (and others) OpenCV's own BT.601 conversion
/// `(4899 R + 9617 G + 1868 B + 8192) >> 14` applies (``Image/grayLevels8()``).
/// Colour JPEG is decoded straight to libjpeg's gray (see ``DecodeOptions/grayJPEG``).
/// Palette images give their indices (a class, not a colour).
public enum ReferenceGray {
    public static func levels(_ image: Image, format: ImageFormat) -> [UInt8] {
        guard image.colorModel != .palette else { return image.grayLevels8() }
        let n = image.pixelCount, ch = image.channels
        switch image.samples {
        case .uint8(let s):
            guard format == .png, ch >= 3 else { return image.grayLevels8() }
            var out = [UInt8](repeating: 0, count: n)
            for i in 0..<n {
                let r = Int(s[i * ch]), g = Int(s[i * ch + 1]), b = Int(s[i * ch + 2])
                out[i] = UInt8((9797 * r + 19234 * g + 3737 * b) >> 15)
            }
            return out
        case .uint16(let s):
            // 16-bit gray keeps its high byte (PNG and TIFF alike); 16-bit RGB
            // PNG goes through libpng's 16-bit conversion first.
            guard ch < 3 || format == .png else { return image.grayLevels8() }
            var out = [UInt8](repeating: 0, count: n)
            for i in 0..<n {
                if ch >= 3 {
                    let r = Int(s[i * ch]), g = Int(s[i * ch + 1]), b = Int(s[i * ch + 2])
                    out[i] = UInt8(((9797 * r + 19234 * g + 3737 * b + 16384) >> 15) >> 8)
                } else {
                    out[i] = UInt8(s[i * ch] >> 8)
                }
            }
            return out
        }
    }
}
