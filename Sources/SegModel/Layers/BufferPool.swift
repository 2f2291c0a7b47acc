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
        let huge = bytes >= Self.hugePage
        guard posix_memalign(&raw, huge ? Self.hugePage : 64, bytes) == 0, let raw else { fatalError("out of memory (\(bytes) bytes)") }
        #if os(Linux)
        // Large maps are written once per image into fresh memory: 2 MB pages
        // (where the kernel offers them on request) fault once per 2 MB
        // instead of once per 4 KB. Advice only; refusal changes nothing.
        if huge { _ = madvise(raw, bytes / Self.hugePage * Self.hugePage, 14 /* MADV_HUGEPAGE */) }
        #endif
        return raw
    }

    /// Size of a transparent huge page on x86-64 and arm64 Linux.
    private static let hugePage = 2 << 20

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
