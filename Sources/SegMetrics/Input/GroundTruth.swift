import SegCore
import SegImage

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
            throw EvalError(.input, "\(path): colour ground truth (RGB with real colours); say how to read it: \(setting: .gtColors) FILE (colour → class, as \(setting: .step("remap")) \(setting: .colors)) or \(setting: .gtColors) gray (OpenCV's gray, then > 128)")
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
                throw EvalError(.input, "\(path): ground truth holds 0/1 values; read it with \(setting: .gtValues) index (or auto)")
            }
            classOfValue = (0..<256).map { $0 > 128 ? 1 : 0 }
            nonBinaryPixels = (1..<255).reduce(0) { $0 + counts[$1] }
            onlyBackgroundAndIgnore = false
            return
        }
        if plane.colour {
            throw EvalError(.input, "\(path): colour mask; convert it to class indices first (\(setting: .step("remap")) \(setting: .colors))")
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
        if let v = values8 { return ByteLookup(classOfValue).apply(v) }
        return ByteLookup(classOfValue).apply(values16!)
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
