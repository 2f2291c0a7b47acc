import Foundation
import SegCore
import SegImage

/// Applies a ``ValueMapping`` to one decoded label image.
public struct Remapper: Sendable {
    public let mapping: ValueMapping
    /// Output per 8-bit value, −1 where the mapping has none.
    private let lut8: [Int16]
    /// Output per 16-bit value, −1 where the mapping has none (built on first use).
    private var lut16: [Int16] { lazy16.table }
    private let lazy16: LazyTable

    public init(mapping: ValueMapping) {
        self.mapping = mapping
        lut8 = Self.table(mapping, size: 256)
        lazy16 = LazyTable { Self.table(mapping, size: 65536) }
    }

    private static func table(_ mapping: ValueMapping, size: Int) -> [Int16] {
        (0..<size).map { mapping.output(for: $0).map(Int16.init) ?? -1 }
    }

    /// Remaps `image`; `path` names it in errors. Taking the image by value
    /// lets an 8-bit label plane be rewritten in place when nothing else
    /// holds it (no second buffer per file).
    public func remap(_ image: consuming Image, path: String) throws -> RemapResult {
        let width = image.width, height = image.height
        if mapping.readsColors {
            guard let colors = image.colorPlane() else {
                throw RemapError(.unsuitable, path: path,
                                 image.is16Bit ? "16-bit image cannot be read as a colour mask" : "palette index without a palette entry")
            }
            return try remapColors(colors, width: width, height: height, path: path)
        }
        let plane = image.labelPlane()
        if plane == nil {
            let distinct = Set(image.colorPlane() ?? []).count
            throw RemapError(.colorMask, path: path,
                             "RGB mask with \(distinct) distinct colours; pass \(setting: .colors) FILE to map colours to classes")
        }
        _ = consume image
        switch consume plane {
        case .values8(var values)?:
            return try remapScalar8(&values, width: width, height: height, path: path)
        case .values16(let values)?:
            return try remapScalar16(values, width: width, height: height, path: path)
        case nil:
            fatalError("unreachable: checked above")
        }
    }

    private func remapScalar8(_ values: inout [UInt8], width: Int, height: Int, path: String) throws -> RemapResult {
        if let result = try twoValueFastPath(&values, width: width, height: height, path: path) { return result }
        var counts = [Int](repeating: 0, count: 256)
        // UInt32 counters are cheaper than Int; chunks of 2^30 pixels keep
        // each of the four below 2^32 whatever the pixel limit.
        var bins = [UInt32](repeating: 0, count: 4 * 256)
        values.withUnsafeMutableBufferPointer { whole in
            var start = 0
            while start < whole.count {
                let end = min(whole.count, start + (1 << 30))
                let chunk = UnsafeMutableBufferPointer(rebasing: whole[start..<end])
                bins.withUnsafeMutableBufferPointer { h in
                    lut8.withUnsafeBufferPointer { table in Self.lookUpAndCount(chunk, table: table, bins: h) }
                    for part in 0..<4 {
                        for value in 0..<256 { counts[value] += Int(h[part * 256 + value]); h[part * 256 + value] = 0 }
                    }
                }
                start = end
            }
        }
        return try finishScalar(values, counts: counts, table: lut8, width: width, height: height, path: path)
    }

    /// The common case — a mapping of two values (0 → 0, 255 → 1 by default)
    /// on a mask holding only those — in two SIMD passes: count both values
    /// (read-only), then, only if nothing else is present, select the outputs
    /// in place. Returns nil (data untouched) when the mapping has other than
    /// two keys or the image holds another value; the general kernel then runs.
    private func twoValueFastPath(_ values: inout [UInt8], width: Int, height: Int, path: String) throws -> RemapResult? {
        guard case .table(let pairs, _) = mapping, pairs.count == 2 else { return nil }
        let keys = pairs.keys.sorted()
        guard keys[1] <= 255, let outA = pairs[keys[0]], let outB = pairs[keys[1]] else { return nil }
        let a = UInt8(keys[0]), b = UInt8(keys[1])
        let (countA, countB) = values.withUnsafeBufferPointer { Self.countTwo($0, a, b) }
        guard countA + countB == values.count else { return nil }
        values.withUnsafeMutableBufferPointer { Self.selectTwo($0, a, outA, outB) }
        var counts = [Int](repeating: 0, count: 256)
        counts[Int(a)] = countA
        counts[Int(b)] = countB
        return try finishScalar(values, counts: counts, table: lut8, width: width, height: height, path: path)
    }

    /// One byte repeated in all eight bytes of a word.
    @inline(__always) private static func spread(_ byte: UInt8) -> UInt64 { UInt64(byte) &* 0x0101_0101_0101_0101 }

    /// 0x80 in each byte of `word` that equals the matching byte of `pattern`,
    /// 0 elsewhere — exact (no carries between bytes), eight pixels per step.
    @inline(__always) private static func equalBytes(_ word: UInt64, _ pattern: UInt64) -> UInt64 {
        let x = word ^ pattern
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        return ~(((x & low7) &+ low7) | x | low7)
    }

    /// Pixels equal to a and to b, eight at a time.
    private static func countTwo(_ data: UnsafeBufferPointer<UInt8>, _ a: UInt8, _ b: UInt8) -> (Int, Int) {
        let n = data.count, words = n / 8
        let raw = UnsafeRawPointer(data.baseAddress!)
        let pa = spread(a), pb = spread(b)
        var totalA = 0, totalB = 0
        for w in 0..<words {
            let word = raw.loadUnaligned(fromByteOffset: w &* 8, as: UInt64.self)
            totalA &+= equalBytes(word, pa).nonzeroBitCount
            totalB &+= equalBytes(word, pb).nonzeroBitCount
        }
        for j in (words * 8)..<n {
            if data[j] == a { totalA += 1 } else if data[j] == b { totalB += 1 }
        }
        return (totalA, totalB)
    }

    /// In place: a → outA, anything else (b, by then) → outB, eight at a time.
    private static func selectTwo(_ data: UnsafeMutableBufferPointer<UInt8>, _ a: UInt8, _ outA: UInt8, _ outB: UInt8) {
        let n = data.count, words = n / 8
        let raw = UnsafeMutableRawPointer(data.baseAddress!)
        let pa = spread(a), wa = spread(outA), wb = spread(outB)
        for w in 0..<words {
            let word = raw.loadUnaligned(fromByteOffset: w &* 8, as: UInt64.self)
            let mask = (equalBytes(word, pa) >> 7) &* 0xFF  // 0xFF in each matching byte
            raw.storeBytes(of: (mask & wa) | (~mask & wb), toByteOffset: w &* 8, as: UInt64.self)
        }
        for j in (words * 8)..<n { data[j] = data[j] == a ? outA : outB }
    }

    /// The hot loop, in place: replace each value by its table entry
    /// (unmapped values give 0 for now; the caller rejects them) and count
    /// values in four interleaved histograms, so that runs of one value do not
    /// serialise on a single counter.
    private static func lookUpAndCount(_ data: UnsafeMutableBufferPointer<UInt8>, table: UnsafeBufferPointer<Int16>,
                                       bins h: UnsafeMutableBufferPointer<UInt32>) {
        let n = data.count, body = n & ~3
        var i = 0
        while i < body {
            let a = Int(data[i]), b = Int(data[i + 1]), c = Int(data[i + 2]), d = Int(data[i + 3])
            h[a] &+= 1; h[256 + b] &+= 1; h[512 + c] &+= 1; h[768 + d] &+= 1
            data[i] = UInt8(truncatingIfNeeded: table[a]); data[i + 1] = UInt8(truncatingIfNeeded: table[b])
            data[i + 2] = UInt8(truncatingIfNeeded: table[c]); data[i + 3] = UInt8(truncatingIfNeeded: table[d])
            i &+= 4
        }
        while i < n {
            let a = Int(data[i])
            h[a] &+= 1
            data[i] = UInt8(truncatingIfNeeded: table[a])
            i &+= 1
        }
    }

    private func remapScalar16(_ values: [UInt16], width: Int, height: Int, path: String) throws -> RemapResult {
        var output = [UInt8](repeating: 0, count: values.count)
        var counts = [Int](repeating: 0, count: 65536)
        let table = lut16
        values.withUnsafeBufferPointer { src in
            table.withUnsafeBufferPointer { lut in
                output.withUnsafeMutableBufferPointer { dst in
                    counts.withUnsafeMutableBufferPointer { h in
                        for i in 0..<src.count {
                            let v = Int(src[i])
                            h[v] += 1
                            dst[i] = UInt8(truncatingIfNeeded: lut[v])
                        }
                    }
                }
            }
        }
        return try finishScalar(output, counts: counts, table: table, width: width, height: height, path: path)
    }

    /// Checks that every value present is mapped and builds the result.
    private func finishScalar(_ output: [UInt8], counts: [Int], table: [Int16], width: Int, height: Int, path: String) throws -> RemapResult {
        let before = Histogram.dense(counts)
        var missing = Histogram()
        var after = Histogram()
        for (value, count) in before.counts {
            if table[value] < 0 { missing.add(value, count) } else { after.add(Int(table[value]), count) }
        }
        try checkMissing(missing, path: path, describe: String.init)
        return RemapResult(output: output, width: width, height: height, before: before, after: after)
    }

    private func remapColors(_ colors: [UInt32], width: Int, height: Int, path: String) throws -> RemapResult {
        var before = Histogram()
        var output = [UInt8](repeating: 0, count: colors.count)
        var cache: [UInt32: Int] = [:]  // colour → output (-1 = unmapped)
        var lastColor: UInt32 = 0xFFFF_FFFF, lastOut = 0
        var counts: [UInt32: Int] = [:]
        for (i, c) in colors.enumerated() {
            if c != lastColor {
                lastColor = c
                if let hit = cache[c] { lastOut = hit } else {
                    lastOut = mapping.output(for: Int(c)).map(Int.init) ?? -1
                    cache[c] = lastOut
                }
            }
            counts[c, default: 0] += 1
            output[i] = UInt8(truncatingIfNeeded: max(lastOut, 0))
        }
        var missing = Histogram()
        for (c, n) in counts {
            before.add(Int(c), n)
            if cache[c] == -1 { missing.add(Int(c), n) }
        }
        try checkMissing(missing, path: path) { ColorTable.text(UInt32($0)) }
        return RemapResult(output: output, width: width, height: height, before: before,
                           after: mapped(before, lut: { UInt8(cache[UInt32($0)]!) }))
    }

    private func mapped(_ before: Histogram, lut: (Int) -> UInt8) -> Histogram {
        var after = Histogram()
        for (value, count) in before.counts { after.add(Int(lut(value)), count) }
        return after
    }

    /// Throws the "unexpected values" error listing up to 10 values by pixel count.
    private func checkMissing(_ missing: Histogram, path: String, describe: (Int) -> String) throws {
        guard missing.total > 0 else { return }
        let listed = missing.counts.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
        let shown = listed.prefix(10).map { "\(describe($0.key)) (\($0.value) px)" }.joined(separator: ", ")
        let more = listed.count > 10 ? " and \(listed.count - 10) more" : ""
        let hint: Message = mapping.readsColors ? "add them to the colour table or pass \(setting: .unmapped) VALUE"
            : "use \(setting: .threshold) T, \(setting: .map) with \(setting: .unmapped) VALUE, or \(setting: .nearest)"
        throw RemapError(.unexpectedValues, path: path,
                         "unexpected label values \(shown)\(more) (mapping \(mapping.summary)); \(hint)",
                         unexpected: missing)
    }
}

/// A table computed once, on first use, safely from several threads.
private final class LazyTable: @unchecked Sendable {
    private let lock = NSLock()
    private let make: @Sendable () -> [Int16]
    private var cached: [Int16]?

    init(_ make: @escaping @Sendable () -> [Int16]) { self.make = make }

    var table: [Int16] {
        lock.lock()
        defer { lock.unlock() }
        if let cached { return cached }
        let built = make()
        cached = built
        return built
    }
}
