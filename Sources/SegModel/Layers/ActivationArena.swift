import Foundation

/// One block of memory for a network pass's activations, laid out from an
/// earlier pass with the same shapes. A network allocates the same sizes in
/// the same order on every image, and buffers freed and allocated again come
/// back as fresh pages: the kernel faults and zeroes every page again (about
/// 4,000 faults and 7 % of DeepLabV3+'s time per 512² image with the exact-size
/// pool alone). The first pass records each buffer's size and lifetime; every
/// later pass with the same sequence of sizes gets the k-th buffer at a planned
/// offset of one block that stays mapped, so nothing is faulted again. The
/// plan overlaps buffers whose lifetimes do not overlap (largest first, each in
/// the lowest gap that fits), so the block is about as large as the most
/// memory the pass ever had in use at once: peak memory does not grow.
///
/// Safe whatever happens: a buffer still alive when its pass ends (the
/// network's output) is never planned; a pass whose sizes differ from the
/// plan's, or one that would place a buffer over a live one, continues from
/// the ordinary pool and is recorded as the new plan; a pass never starts on
/// the block while any buffer of it is alive.
final class ActivationArena: @unchecked Sendable {
    /// One recorded allocation: its size and the event numbers of its
    /// allocation and release (nil while alive).
    struct Lifetime {
        let bytes: Int
        let start: Int
        var end: Int?
    }

    /// Offset of each recorded allocation in the block (nil: not planned,
    /// because it outlived its pass), and the block's size.
    struct Layout {
        let offsets: [Int?]
        let size: Int
    }

    /// Offsets are multiples of this (a cache line).
    static let alignment = 64

    /// Places buffers whose lifetimes overlap at disjoint offsets: largest
    /// first, each in the lowest gap among the already placed buffers it
    /// coexists with (greedy by size, as TensorFlow Lite's arena planner does).
    static func layout(_ lifetimes: [Lifetime]) -> Layout {
        var offsets = [Int?](repeating: nil, count: lifetimes.count)
        var placed: [Int] = []
        var size = 0
        let order = lifetimes.indices.filter { lifetimes[$0].end != nil }.sorted {
            lifetimes[$0].bytes != lifetimes[$1].bytes ? lifetimes[$0].bytes > lifetimes[$1].bytes : lifetimes[$0].start < lifetimes[$1].start
        }
        for i in order {
            let a = lifetimes[i], bytes = rounded(a.bytes)
            let neighbours = placed.filter { j in lifetimes[j].start < a.end! && a.start < lifetimes[j].end! }
                .map { (offset: offsets[$0]!, end: offsets[$0]! + rounded(lifetimes[$0].bytes)) }
                .sorted { $0.offset < $1.offset }
            var offset = 0
            for n in neighbours {
                if n.offset - offset >= bytes { break }
                offset = max(offset, n.end)
            }
            offsets[i] = offset
            placed.append(i)
            size = max(size, offset + bytes)
        }
        return Layout(offsets: offsets, size: size)
    }

    private static func rounded(_ bytes: Int) -> Int { (bytes + alignment - 1) / alignment * alignment }

    // The plan and its block.
    private var planned: [Lifetime] = []
    private var layout = Layout(offsets: [], size: 0)
    private var block: UnsafeMutableRawPointer?
    private var capacity = 0
    /// Live buffers in the block: offset → end offset.
    private var live: [Int: Int] = [:]

    // The pass under way.
    private var recording: [Lifetime] = []
    private var index: [UnsafeMutableRawPointer: Int] = [:]
    private var events = 0
    private var following = false

    /// Buffers handed out from the block in all passes (tests).
    private(set) var plannedTakes = 0

    /// Whether no buffer of the block is alive (it may then be freed or re-planned).
    var isIdle: Bool { live.isEmpty }

    deinit { free(block) }

    /// Starts a pass: it follows the plan when there is one and nothing of the block is alive.
    func begin() {
        recording.removeAll(keepingCapacity: true)
        index.removeAll(keepingCapacity: true)
        events = 0
        following = !planned.isEmpty && live.isEmpty
    }

    /// The k-th allocation of the pass: the planned place when the pass still
    /// follows the plan, else nil (the caller takes pool memory and reports it
    /// with `record`).
    func take(bytes: Int) -> UnsafeMutableRawPointer? {
        let k = recording.count
        guard following, let block, k < planned.count, planned[k].bytes == bytes else {
            leavePlan()
            return nil
        }
        // A buffer that outlived its pass when recorded comes from the pool.
        guard let offset = layout.offsets[k] else { return nil }
        let end = offset + Self.rounded(bytes)
        if live.contains(where: { $0.key < end && offset < $0.value }) {
            leavePlan()
            return nil
        }
        live[offset] = end
        plannedTakes += 1
        let pointer = block + offset
        record(pointer, bytes: bytes)
        return pointer
    }

    /// Continues the pass on the pool. An idle block goes back to the system
    /// at once, so a pass of another size (a larger image, say) never holds
    /// the old block and its own buffers at the same time.
    private func leavePlan() {
        if following && live.isEmpty { dropBlock() }
        following = false
    }

    private func dropBlock() {
        free(block)
        block = nil
        capacity = 0
    }

    /// Bytes of the block (0 when there is none).
    var blockBytes: Int { capacity }

    /// Notes an allocation of the pass (from the block or the pool).
    func record(_ pointer: UnsafeMutableRawPointer, bytes: Int) {
        index[pointer] = recording.count
        recording.append(Lifetime(bytes: bytes, start: events, end: nil))
        events += 1
    }

    /// Whether `pointer` lies in the block; if so it is released there.
    func release(_ pointer: UnsafeMutableRawPointer) -> Bool {
        if let k = index.removeValue(forKey: pointer) {
            recording[k].end = events
            events += 1
        }
        guard let block, pointer >= block, pointer < block + capacity else { return false }
        live[pointer - block] = nil
        return true
    }

    /// Ends a pass. Returns true when a new plan was made (the caller then
    /// releases the pool's kept buffers, which the block replaces).
    func end() -> Bool {
        defer { index.removeAll(keepingCapacity: true) }
        // A pass that followed the plan to the end keeps it.
        if following && recording.count == planned.count { return false }
        // Nothing of the block may move while a buffer in it is alive.
        guard live.isEmpty, !recording.isEmpty else { return false }
        planned = recording
        layout = Self.layout(recording)
        if layout.size > capacity {
            dropBlock()
            var raw: UnsafeMutableRawPointer?
            let huge = 2 << 20
            let size = (layout.size + huge - 1) / huge * huge
            guard posix_memalign(&raw, huge, size) == 0, let raw else {
                planned = []
                return false
            }
            #if os(Linux)
            _ = madvise(raw, size, 14 /* MADV_HUGEPAGE */)
            #endif
            block = raw
            capacity = size
        }
        return true
    }
}
