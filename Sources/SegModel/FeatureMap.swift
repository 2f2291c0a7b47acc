import Foundation

/// A stack of float32 planes (channels × height × width, row-major) — one image's
/// activations at one layer. Reference semantics: layers pass maps along without
/// copying, and the storage is freed when the last reference goes.
public final class FeatureMap: @unchecked Sendable {
    public let channels: Int
    public let height: Int
    public let width: Int
    /// 64-byte aligned storage of `count` floats.
    public let data: UnsafeMutablePointer<Float>

    /// Values per plane.
    public var plane: Int { height * width }
    /// Values in total.
    public var count: Int { channels * height * width }

    /// Uninitialised storage (every layer writes all of its output).
    public init(channels: Int, height: Int, width: Int) {
        precondition(channels > 0 && height > 0 && width > 0, "empty feature map")
        self.channels = channels
        self.height = height
        self.width = width
        data = BufferPool.shared.take(bytes: Self.bytes(channels * height * width)).bindMemory(to: Float.self, capacity: channels * height * width)
    }

    static func bytes(_ count: Int) -> Int { max(64, count * MemoryLayout<Float>.stride) }

    /// A map holding `values` (channels × height × width).
    public convenience init(channels: Int, height: Int, width: Int, values: [Float]) {
        precondition(values.count == channels * height * width, "value count does not match the shape")
        self.init(channels: channels, height: height, width: width)
        values.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: values.count) }
    }

    deinit { BufferPool.shared.give(UnsafeMutableRawPointer(data), bytes: Self.bytes(count)) }

    /// The values as an array (tests and output stages).
    public var values: [Float] { Array(UnsafeBufferPointer(start: data, count: count)) }

    /// Pointer to the first value of channel `c`.
    @inline(__always) public func channel(_ c: Int) -> UnsafeMutablePointer<Float> { data + c * plane }
}

/// Recently freed activation buffers, kept for reuse by size: a network
/// allocates the same sizes in every image, and fresh memory costs page faults
/// (tenths of a second per 512² U-Net image). The pool holds at most `limit`
/// bytes, so peak memory stays close to what is actually in use.
final class BufferPool: @unchecked Sendable {
    static let shared = BufferPool(limit: 48 << 20)
    private let limit: Int
    private let lock = NSLock()
    private var free: [Int: [UnsafeMutableRawPointer]] = [:]
    private var held = 0

    init(limit: Int) { self.limit = limit }

    /// A 64-byte aligned buffer of `bytes` bytes (contents undefined).
    func take(bytes: Int) -> UnsafeMutableRawPointer {
        lock.lock()
        if let p = free[bytes]?.popLast() {
            held -= bytes
            lock.unlock()
            return p
        }
        lock.unlock()
        var raw: UnsafeMutableRawPointer?
        guard posix_memalign(&raw, 64, bytes) == 0, let raw else { fatalError("out of memory (\(bytes) bytes)") }
        return raw
    }

    /// Returns a buffer from `take`; released to the system when the pool is full.
    func give(_ pointer: UnsafeMutableRawPointer, bytes: Int) {
        lock.lock()
        if bytes <= limit {
            // Make room by releasing other sizes first, largest first.
            while held + bytes > limit, let size = free.filter({ !$0.value.isEmpty }).keys.max() {
                Foundation.free(free[size]!.removeLast())
                held -= size
            }
            free[bytes, default: []].append(pointer)
            held += bytes
            lock.unlock()
        } else {
            lock.unlock()
            Foundation.free(pointer)
        }
    }
}