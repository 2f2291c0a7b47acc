import Foundation

/// Freed activation buffers, kept for reuse by size: a network allocates the
/// same sizes in every image, and fresh memory costs page faults and the
/// kernel's zeroing of every page (about 60,000 faults and a quarter of a
/// gigabyte zeroed per 512² DeepLabV3+ image without reuse). The pool never
/// lets the buffers in use plus the buffers it keeps exceed the most that
/// were ever in use at once, so reuse never raises peak memory above what the
/// network needs anyway.
final class BufferPool: @unchecked Sendable {
    static let shared = BufferPool()
    private let lock = NSLock()
    private var free: [Int: [UnsafeMutableRawPointer]] = [:]
    /// Bytes kept in `free`.
    private(set) var held = 0
    /// Bytes handed out and not given back.
    private(set) var inUse = 0
    /// The most `inUse` has been.
    private(set) var highWater = 0

    init() {}

    /// A buffer of `bytes` bytes (contents undefined): 64-byte aligned, or
    /// 2 MB aligned from 2 MB up.
    func take(bytes: Int) -> UnsafeMutableRawPointer {
        lock.lock()
        inUse += bytes
        if let p = free[bytes]?.popLast() {
            held -= bytes
            lock.unlock()
            return p
        }
        highWater = max(highWater, inUse)
        // Make room by releasing kept buffers, largest first.
        while inUse + held > highWater, let size = free.filter({ !$0.value.isEmpty }).keys.max() {
            Foundation.free(free[size]!.removeLast())
            held -= size
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

    /// Takes back a buffer from `take` for reuse (in-use plus kept bytes stay the same).
    func give(_ pointer: UnsafeMutableRawPointer, bytes: Int) {
        lock.lock()
        inUse -= bytes
        free[bytes, default: []].append(pointer)
        held += bytes
        lock.unlock()
    }

    /// Size of a transparent huge page on x86-64 and arm64 Linux.
    private static let hugePage = 2 << 20
}
