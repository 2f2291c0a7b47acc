import Foundation

/// Recently freed activation buffers, kept for reuse by size: a network
/// allocates the same sizes in every image, and fresh memory costs page faults
/// (tenths of a second per 512² U-Net image). The pool holds at most `limit`
/// bytes, so peak memory stays close to what is actually in use.
final class BufferPool: @unchecked Sendable {
    static let shared = BufferPool(limit: 24 << 20)
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
