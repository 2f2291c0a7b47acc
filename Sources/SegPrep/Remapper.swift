import SegImage

/// Why one label image could not be remapped.
public struct RemapError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// Values the mapping does not cover (the most common silent bug: JPEG'd or resized masks).
        case unexpectedValues
        /// An RGB mask with real colours but no colour table.
        case colorMask
        /// The image cannot be read as the mapping needs (e.g. 16-bit with --colors).
        case unsuitable
    }

    public let kind: Kind
    public let path: String
    public let message: String
    /// For `.unexpectedValues`: the offending values and their pixel counts.
    public let unexpected: Histogram

    public init(_ kind: Kind, path: String, _ message: String, unexpected: Histogram = Histogram()) {
        self.kind = kind
        self.path = path
        self.message = message
        self.unexpected = unexpected
    }

    public var description: String { "\(path): \(message)" }
}

/// The result of remapping one image.
public struct RemapResult: Sendable {
    /// The class-index (or visual) map, 8-bit single channel.
    public let output: [UInt8]
    public let width: Int
    public let height: Int
    /// Pixels per input value (packed RGB for colour masks).
    public let before: Histogram
    /// Pixels per output value.
    public let after: Histogram
}

/// Applies a ``ValueMapping`` to one decoded label image.
public struct Remapper: Sendable {
    public let mapping: ValueMapping

    public init(mapping: ValueMapping) { self.mapping = mapping }

    /// Remaps `image`; `path` names it in errors.
    public func remap(_ image: Image, path: String) throws -> RemapResult {
        if mapping.readsColors {
            guard let colors = image.colorPlane() else {
                throw RemapError(.unsuitable, path: path,
                                 image.is16Bit ? "16-bit image cannot be read as a colour mask" : "palette index without a palette entry")
            }
            return try remapColors(colors, image: image, path: path)
        }
        switch image.labelPlane() {
        case .values8(let values)?:
            return try remapScalar(values, bins: 256, image: image, path: path)
        case .values16(let values)?:
            return try remapScalar(values, bins: 65536, image: image, path: path)
        case nil:
            let distinct = Set(image.colorPlane() ?? []).count
            throw RemapError(.colorMask, path: path,
                             "RGB mask with \(distinct) distinct colours; pass --colors FILE to map colours to classes")
        }
    }

    private func remapScalar<T: FixedWidthInteger & UnsignedInteger>(_ values: [T], bins: Int, image: Image, path: String) throws -> RemapResult {
        var counts = [Int](repeating: 0, count: bins)
        values.withUnsafeBufferPointer { src in
            counts.withUnsafeMutableBufferPointer { bins in
                for v in src { bins[Int(v)] += 1 }
            }
        }
        let before = Histogram.dense(counts)
        var lut = [UInt8](repeating: 0, count: bins)
        var missing = Histogram()
        for value in before.values {
            if let out = mapping.output(for: value) { lut[value] = out } else { missing.add(value, before.counts[value]!) }
        }
        try checkMissing(missing, path: path, describe: String.init)
        var output = [UInt8](repeating: 0, count: values.count)
        values.withUnsafeBufferPointer { src in
            lut.withUnsafeBufferPointer { table in
                output.withUnsafeMutableBufferPointer { dst in
                    for i in 0..<src.count { dst[i] = table[Int(src[i])] }
                }
            }
        }
        return RemapResult(output: output, width: image.width, height: image.height, before: before,
                           after: mapped(before, lut: { lut[$0] }))
    }

    private func remapColors(_ colors: [UInt32], image: Image, path: String) throws -> RemapResult {
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
        try checkMissing(missing, path: path) { MappingParser.colorText(UInt32($0)) }
        return RemapResult(output: output, width: image.width, height: image.height, before: before,
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
        let hint = mapping.readsColors ? "add them to the colour table or pass --unmapped VALUE"
            : "use --threshold T, --map with --unmapped VALUE, or --nearest"
        throw RemapError(.unexpectedValues, path: path,
                         "unexpected label values \(shown)\(more) (mapping \(mapping.summary)); \(hint)",
                         unexpected: missing)
    }
}
