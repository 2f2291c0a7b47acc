/// A table from sample values to bytes, applied to whole images: the one
/// fast loop behind "the class of every pixel" (ground-truth values, the
/// prediction's levels, palette entries). A value past the table maps to 0.
public struct ByteLookup: Sendable {
    /// The byte of each value, indexed by the value.
    public let table: [UInt8]

    /// A lookup through `table`.
    public init(_ table: [UInt8]) { self.table = table }

    /// The byte of every 8-bit value, in order.
    public func apply(_ values: [UInt8]) -> [UInt8] { lookUp(values) }

    /// The byte of every 16-bit value, in order.
    public func apply(_ values: [UInt16]) -> [UInt8] { lookUp(values) }

    /// One unchecked pass (for 8-bit values the table is widened to 256
    /// entries first), specialised here for each width.
    private func lookUp<Value: FixedWidthInteger & UnsignedInteger>(_ values: [Value]) -> [UInt8] {
        let entries = max(table.count, Value.bitWidth <= 8 ? 256 : 0)
        let full = table.count >= entries ? table : table + [UInt8](repeating: 0, count: entries - table.count)
        return [UInt8](unsafeUninitializedCapacity: values.count) { out, initialized in
            full.withUnsafeBufferPointer { t in
                values.withUnsafeBufferPointer { v in
                    if Value.bitWidth <= 8 {
                        for i in 0..<v.count { out[i] = t[Int(v[i])] }
                    } else {
                        let n = t.count
                        for i in 0..<v.count {
                            let value = Int(v[i])
                            out[i] = value < n ? t[value] : 0
                        }
                    }
                }
            }
            initialized = values.count
        }
    }
}
