import CSegCodecs
#if canImport(Glibc)
import Glibc
#endif

/// Writes files so that a reader never sees a partial file under the final
/// name: bytes go to a temporary file in the destination folder, which is
/// renamed over the target only when complete. A temporary file left by an
/// interrupt (SIGINT/SIGTERM/SIGHUP) is deleted once
/// ``installInterruptCleanup()`` has been called.
public enum AtomicFile {
    /// Writes `bytes` to `path` atomically. With `overwrite: false` an
    /// existing file is an error.
    public static func write(_ bytes: [UInt8], to path: String, overwrite: Bool = true) throws {
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        if !overwrite && access(path, F_OK) == 0 {
            throw ImageError(.refused, path: path, "already exists (refusing to overwrite)")
        }
        var template = Array("\(dir.isEmpty ? "/" : dir)/.\(name).tmp-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if fd < 0 { throw writeError(path, "cannot create a temporary file in \(dir)") }
        let temp = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let slot = seg_tempfile_register(temp)
        var renamed = false
        defer {
            if !renamed { unlink(temp) }
            seg_tempfile_unregister(slot)
        }
        do {
            defer { close(fd) }
            var done = 0
            try bytes.withUnsafeBytes { raw in
                while done < raw.count {
                    let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw writeError(path, "write failed")
                    }
                    done += n
                }
            }
            // mkstemp creates 0600; give the file the permissions a plain create would.
            fchmod(fd, 0o666 & ~processUmask)
        }
        if rename(temp, path) != 0 { throw writeError(path, "cannot move the finished file into place") }
        renamed = true
    }

    /// The umask, read once: reading it means setting it, which is not
    /// thread-safe to do per write.
    private static let processUmask: mode_t = {
        let mask = umask(0o022)
        umask(mask)
        return mask
    }()

    /// Deletes in-flight temporary files when the process is interrupted.
    public static func installInterruptCleanup() {
        seg_install_tempfile_cleanup()
    }

    private static func writeError(_ path: String, _ what: String) -> ImageError {
        ImageError(.writeFailed, path: path, "\(what): \(String(cString: strerror(errno)))")
    }
}
