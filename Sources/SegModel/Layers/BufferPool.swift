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
        let arena = active.flatMap { pthread_equal($0.thread, pthread_self()) != 0 ? $0.arena : nil }
        if let pointer = arena?.take(bytes: bytes) {
            lock.unlock()
            return pointer
        }
        lock.unlock()
        let pointer = takeFromPool(bytes: bytes)
        if let arena {
            lock.lock()
            arena.record(pointer, bytes: bytes)
            lock.unlock()
        }
        return pointer
    }

    private func takeFromPool(bytes: Int) -> UnsafeMutableRawPointer {
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
        for (key, arena) in arenas where arena.release(pointer) {
            if retired.contains(key) && arena.isIdle {
                arenas[key] = nil
                retired.remove(key)
            }
            lock.unlock()
            return
        }
        inUse -= bytes
        free[bytes, default: []].append(pointer)
        held += bytes
        lock.unlock()
    }

    // MARK: Planned passes

    /// The pass under way on a thread, if any: only one at a time follows a
    /// plan (several lanes at once take pool memory as before).
    private var active: (arena: ActivationArena, thread: pthread_t)?
    /// Every arena whose block may hold live buffers.
    private var arenas: [ObjectIdentifier: ActivationArena] = [:]
    /// Arenas whose owner is gone, kept until their last buffer is released.
    private var retired: Set<ObjectIdentifier> = []

    /// Starts a pass of `arena` on this thread; false (run it unplanned) when another pass is under way.
    func begin(_ arena: ActivationArena) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard active == nil else { return false }
        active = (arena, pthread_self())
        arenas[ObjectIdentifier(arena)] = arena
        arena.begin()
        return true
    }

    /// Ends the pass. When it made a new plan, the kept pool buffers go back
    /// to the system: the arena's block now serves those sizes.
    func end(_ arena: ActivationArena) {
        lock.lock()
        defer { lock.unlock() }
        active = nil
        guard arena.end() else { return }
        for (size, pointers) in free {
            for p in pointers { Foundation.free(p) }
            held -= size * pointers.count
        }
        free.removeAll()
    }

    /// Forgets an arena whose owner is gone, once no buffer of its block is alive.
    func retire(_ arena: ActivationArena) {
        lock.lock()
        defer { lock.unlock() }
        let key = ObjectIdentifier(arena)
        if arena.isIdle { arenas[key] = nil } else { retired.insert(key) }
    }

    /// Size of a transparent huge page on x86-64 and arm64 Linux.
    private static let hugePage = 2 << 20
}
