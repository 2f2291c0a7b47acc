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

/// Hands finished items to a callback in input order, each as soon as it and
/// every item before it have finished, whatever order the workers finish in:
/// streamed outputs (paths on stdout) stay deterministic.
public final class InOrderAnnouncer: @unchecked Sendable {
    private let lock = NSLock()
    private var done: [Bool?]
    private var next = 0
    private let announce: (Int, Bool) -> Void

    /// `announce(index, ok)` is called once per index, in order, under a lock.
    public init(count: Int, announce: @escaping (Int, Bool) -> Void) {
        done = [Bool?](repeating: nil, count: count)
        self.announce = announce
    }

    /// Marks item `index` finished (`ok`: it succeeded).
    public func finished(_ index: Int, ok: Bool) {
        lock.lock()
        defer { lock.unlock() }
        done[index] = ok
        while next < done.count, let ok = done[next] {
            announce(next, ok)
            next += 1
        }
    }
}
