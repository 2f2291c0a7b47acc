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
