import Foundation
import SegFiles
import SegImage

/// A parsed safetensors file (the format `safetensors.torch.save_file` writes):
/// an 8-byte little-endian header length, a JSON header naming each tensor's
/// dtype, shape and byte range, then the raw little-endian data. Every length
/// and offset is validated before use, so a malformed file is an error, never
/// an out-of-bounds read.
public struct SafeTensors: Sendable {
    /// Element types SegKit understands. Floating types convert to Float32;
    /// integer tensors are listed (PyTorch's `num_batches_tracked` counters) but
    /// not converted.
    public enum DType: String, Sendable, CaseIterable {
        case f32 = "F32", f16 = "F16", bf16 = "BF16", f64 = "F64"
        case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8", u8 = "U8", bool = "BOOL"

        /// Bytes per element.
        public var size: Int {
            switch self {
            case .f64, .i64: return 8
            case .f32, .i32: return 4
            case .f16, .bf16, .i16: return 2
            case .i8, .u8, .bool: return 1
            }
        }

        /// Whether values convert to Float32 weights.
        public var isFloat: Bool { self == .f32 || self == .f16 || self == .bf16 || self == .f64 }
    }

    /// One tensor's header entry.
    public struct Entry: Sendable, Equatable {
        public let name: String
        public let dtype: DType
        public let shape: [Int]
        /// Byte range within the data section.
        public let range: Range<Int>
        /// Number of elements (product of the shape).
        public var count: Int { shape.reduce(1, *) }
    }

    /// The file the tensors came from (for messages).
    public let path: String
    /// Tensors by name.
    public let entries: [String: Entry]
    /// The `__metadata__` string map (empty when absent).
    public let metadata: [String: String]
    /// Where the tensor bytes are: in memory, or read from the file tensor by
    /// tensor (a model's weights are never all in memory twice).
    private enum Storage: Sendable {
        case memory([UInt8])
        case file(String)
    }
    private let storage: Storage
    private let dataStart: Int

    /// Largest header accepted; real headers are kilobytes.
    static let maxHeaderBytes = 100 << 20

    /// Reads and validates a safetensors file: the header now, each tensor's
    /// bytes when it is converted (a regular file; a pipe is read whole).
    public init(contentsOf path: String) throws {
        do {
            guard let size = FileBytes.regularFileSize(path) else {
                try self.init(bytes: try FileBytes.read(path, limit: 1 << 34), path: path)
                return
            }
            let prefix = try FileBytes.read(path, range: 0..<min(size, 8))
            let length = try Self.headerLength(prefix, fileSize: size, path: path)
            let header = try FileBytes.read(path, range: 8..<(8 + length))
            try self.init(header: header, dataLength: size - 8 - length, storage: .file(path), path: path)
        } catch let error as FileError {
            throw ModelError(path: path, error.message)
        }
    }

    /// Parses safetensors bytes; `path` only names the source in errors.
    public init(bytes: [UInt8], path: String = "") throws {
        let length = try Self.headerLength(Array(bytes.prefix(8)), fileSize: bytes.count, path: path)
        try self.init(header: Array(bytes[8..<(8 + length)]), dataLength: bytes.count - 8 - length, storage: .memory(bytes), path: path)
    }

    private static func failure(_ path: String, _ message: String) -> ModelError {
        ModelError(path: path, "not a valid safetensors file: \(message)")
    }

    /// The header length from the first 8 bytes, checked against the file size.
    private static func headerLength(_ prefix: [UInt8], fileSize: Int, path: String) throws -> Int {
        guard prefix.count >= 8 else { throw failure(path, "\(fileSize) bytes, shorter than the 8-byte header length") }
        var length: UInt64 = 0
        for i in 0..<8 { length |= UInt64(prefix[i]) << (8 * UInt64(i)) }
        guard length <= UInt64(fileSize - 8) else {
            throw failure(path, "header length \(length) runs past the end of the file (\(fileSize) bytes)")
        }
        guard length <= UInt64(Self.maxHeaderBytes) else { throw failure(path, "header length \(length) is implausibly large") }
        return Int(length)
    }

    /// Parses and validates the JSON header against `dataLength` bytes of tensor data.
    private init(header headerBytes: [UInt8], dataLength: Int, storage: Storage, path: String) throws {
        func fail(_ message: String) -> ModelError { Self.failure(path, message) }
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: Data(headerBytes), options: [])
        } catch {
            throw fail("the header is not valid JSON")
        }
        guard let header = json as? [String: Any] else { throw fail("the header is not a JSON object") }
        var entries: [String: Entry] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in header {
            if name == "__metadata__" {
                guard let map = value as? [String: Any] else { throw fail("__metadata__ is not an object") }
                for (key, item) in map {
                    guard let text = item as? String else { throw fail("metadata value of '\(key)' is not a string") }
                    metadata[key] = text
                }
                continue
            }
            guard let info = value as? [String: Any] else { throw fail("entry '\(name)' is not an object") }
            guard let dtypeName = info["dtype"] as? String else { throw fail("tensor '\(name)' has no dtype") }
            guard let dtype = DType(rawValue: dtypeName) else {
                throw fail("tensor '\(name)' has unsupported dtype \(dtypeName)")
            }
            guard let rawShape = info["shape"] as? [Any] else { throw fail("tensor '\(name)' has no shape") }
            var shape: [Int] = []
            var count = 1
            for dim in rawShape {
                guard let number = dim as? NSNumber, let n = Int(exactly: number.doubleValue), n >= 0, n < 1 << 40 else {
                    throw fail("tensor '\(name)' has an invalid dimension")
                }
                shape.append(n)
                let (product, overflow) = count.multipliedReportingOverflow(by: n)
                guard !overflow, product < 1 << 40 else { throw fail("tensor '\(name)' is implausibly large") }
                count = product
            }
            guard let offsets = info["data_offsets"] as? [Any], offsets.count == 2,
                  let beginNumber = offsets[0] as? NSNumber, let endNumber = offsets[1] as? NSNumber,
                  let begin = Int(exactly: beginNumber.doubleValue), let end = Int(exactly: endNumber.doubleValue)
            else { throw fail("tensor '\(name)' has invalid data_offsets") }
            guard begin >= 0, begin <= end, end <= dataLength else {
                throw fail("tensor '\(name)' data [\(begin), \(end)) lies outside the \(dataLength) data bytes")
            }
            guard end - begin == count * dtype.size else {
                throw fail("tensor '\(name)' holds \(end - begin) bytes, but \(dtypeName) \(shape) needs \(count * dtype.size)")
            }
            entries[name] = Entry(name: name, dtype: dtype, shape: shape, range: begin..<end)
        }
        // Byte ranges must not overlap (the format requires them to tile the data).
        let sorted = entries.values.filter { !$0.range.isEmpty }.sorted { $0.range.lowerBound < $1.range.lowerBound }
        for (a, b) in zip(sorted, sorted.dropFirst()) where b.range.lowerBound < a.range.upperBound {
            throw fail("tensors '\(a.name)' and '\(b.name)' overlap")
        }
        self.path = path
        self.entries = entries
        self.metadata = metadata
        self.storage = storage
        self.dataStart = 8 + headerBytes.count
    }

    /// A floating tensor converted to Float32 (row-major, PyTorch order).
    /// Non-finite values are refused: a NaN weight would silently poison every
    /// prediction.
    public func floats(_ name: String) throws -> [Float] {
        guard let entry = entries[name] else { throw ModelError(path: path, "missing tensor '\(name)'") }
        guard entry.dtype.isFloat else {
            throw ModelError(path: path, "tensor '\(name)' has dtype \(entry.dtype.rawValue), expected a floating type")
        }
        var out = [Float](repeating: 0, count: entry.count)
        let bytes = try tensorBytes(entry)
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            out.withUnsafeMutableBufferPointer { dst in
                switch entry.dtype {
                case .f32:
                    for i in 0..<dst.count { dst[i] = Float(bitPattern: base.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self).littleEndian) }
                case .f64:
                    for i in 0..<dst.count { dst[i] = Float(Double(bitPattern: base.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self).littleEndian)) }
                case .f16:
                    for i in 0..<dst.count { dst[i] = Self.halfToFloat(base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self).littleEndian) }
                case .bf16:
                    for i in 0..<dst.count { dst[i] = Float(bitPattern: UInt32(base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self).littleEndian) << 16) }
                default:
                    break
                }
            }
        }
        if let bad = out.firstIndex(where: { !$0.isFinite }) {
            throw ModelError(path: path, "tensor '\(name)' holds a non-finite value (\(out[bad])) at element \(bad)")
        }
        return out
    }

    /// The stored bytes of tensor `name` (little-endian, as in the file).
    func rawBytes(_ name: String) -> [UInt8]? {
        entries[name].flatMap { try? tensorBytes($0) }
    }

    /// The stored bytes of `entry`, from memory or read from the file.
    private func tensorBytes(_ entry: Entry) throws -> [UInt8] {
        let range = (dataStart + entry.range.lowerBound)..<(dataStart + entry.range.upperBound)
        switch storage {
        case .memory(let bytes): return Array(bytes[range])
        case .file(let file):
            do { return try FileBytes.read(file, range: range) } catch let error as FileError {
                throw ModelError(path: path, error.message)
            }
        }
    }

    /// IEEE 754 binary16 → binary32, exact for every input (subnormals included).
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h & 0x8000) << 16
        let exponent = Int(h >> 10) & 0x1F
        let mantissa = UInt32(h & 0x3FF)
        if exponent == 0x1F { return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13)) }
        if exponent == 0 {
            let magnitude = Float(mantissa) * 0x1p-24
            return sign != 0 ? -magnitude : magnitude
        }
        return Float(bitPattern: sign | UInt32(exponent + 112) << 23 | (mantissa << 13))
    }
}
