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

    /// The opposite policy, for tools whose buffers are tens of megabytes
    /// (network activations): every allocation from 1 MiB up gets its own
    /// mapping and goes back to the kernel when freed. A fixed threshold also
    /// stops glibc from raising it after the first large free, after which big
    /// buffers would fragment the heap (100–200 MB of a U-Net run's peak).
    /// Callers that reuse buffers keep their own pool.
    public static func returnLargeAllocations() {
        #if os(Linux)
        _ = glibcMallopt(-3 /* M_MMAP_THRESHOLD */, 1 << 20)
        #endif
    }
}

#if os(Linux)
/// glibc's `mallopt` (malloc.h is not part of the Glibc module).
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
