import Foundation

/// Fixed slots filled concurrently by index.
public final class ResultSlots<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [T?]

    public init(count: Int) { slots = Array(repeating: nil, count: count) }

    public func set(_ index: Int, _ value: T) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    public var values: [T?] {
        lock.lock()
        defer { lock.unlock() }
        return slots
    }
}

/// Hands out indices 0, 1, 2, … to concurrent workers.
public final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    public init() {}

    public func take(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }
}

/// Process-wide memory settings for image-at-a-time tools.
public enum MemoryTuning {
    /// Keeps freed image buffers in the process instead of returning each one
    /// to the kernel: glibc serves allocations above 128 KiB with a fresh
    /// `mmap`, so every decoded image would otherwise cost page faults and
    /// zeroing (a third of `segeval`'s time on 512×512 masks). Memory in use
    /// stays bounded by the largest batch, as before.
    public static func reuseLargeAllocations() {
        #if os(Linux)
        _ = glibcMallopt(-3 /* M_MMAP_THRESHOLD */, 256 << 20)
        _ = glibcMallopt(-1 /* M_TRIM_THRESHOLD */, 512 << 20)
        #endif
    }
}

#if os(Linux)
/// glibc's `mallopt` (malloc.h is not part of the Glibc module).
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
