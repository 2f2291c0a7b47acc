import CSegFiles
import SegCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes files so that a reader never sees a partial file under the final
/// name: bytes go to a temporary file in the destination folder, which is
/// renamed over the target only when complete. A temporary file left by an
/// interrupt (SIGINT/SIGTERM/SIGHUP) is deleted once
/// ``installInterruptCleanup()`` has been called.
public enum AtomicFile {
    /// When true, each file is flushed to the device (fsync) before it is
    /// renamed, so that it also survives a power cut. Off by default: a
    /// process crash or kill is already safe without it, and it costs a
    /// device round trip per file.
    nonisolated(unsafe) public static var syncBeforeRename = false

    /// Writes `bytes` to `path` atomically. Replacing an existing file keeps
    /// its permission bits. With `overwrite: false` an existing file is an
    /// error, checked atomically (the finished file is linked, not renamed,
    /// into place).
    public static func write(_ bytes: [UInt8], to path: String, overwrite: Bool = true) throws {
        let writer = try Writer(path: path, overwrite: overwrite)
        try writer.append(bytes)
        try writer.commit()
    }

    /// An atomic file written in pieces (a report streamed row by row): the
    /// pieces go to a temporary file that ``commit()`` moves into place.
    /// Dropped without a commit, the temporary file is deleted.
    public final class Writer {
        public let path: String
        private let overwrite: Bool
        private let temp: String
        private var fd: Int32
        private let slot: Int32
        private var placed = false

        /// Creates the temporary file next to `path`.
        public init(path: String, overwrite: Bool = true) throws {
            self.path = path
            self.overwrite = overwrite
            let slash = path.lastIndex(of: "/")
            let dir = slash.map { String(path[..<$0]) } ?? "."
            let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
            if !overwrite && access(path, F_OK) == 0 {
                throw FileError(.exists, path: path, "already exists (refusing to overwrite)")
            }
            // Created with mode 0666 so the umask applies as for any new file (mkstemp's 0600
            // would need an extra fchmod, a journalled metadata update, on every file).
            // The name is registered for interrupt clean-up *before* the file is created, so
            // no signal can land between creating it and registering it, and a file created
            // while a handler runs is removed by its creator (seg_tempfile_open).
            TemporarySweep.sweepOnce(dir.isEmpty ? "/" : dir)
            var fd: Int32 = -1
            var temp = ""
            var slot: Int32 = -1
            for _ in 0..<100 {
                temp = "\(dir.isEmpty ? "/" : dir)/.\(name).tmp-\(AtomicFile.uniqueSuffix())"
                fd = seg_tempfile_open(temp, &slot)
                if fd >= 0 { break }
                if errno != EEXIST { break }
            }
            if fd < 0 { throw AtomicFile.writeError(path, "cannot create a temporary file in \(dir)") }
            self.fd = fd
            self.temp = temp
            self.slot = slot
        }

        deinit {
            if fd >= 0 { close(fd) }
            if !placed { unlink(temp) }
            seg_tempfile_unregister(slot)
        }

        /// Appends bytes to the temporary file.
        public func append(_ bytes: [UInt8]) throws {
            var done = 0
            try bytes.withUnsafeBytes { raw in
                while done < raw.count {
                    let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw AtomicFile.writeError(path, "write failed")
                    }
                    done += n
                }
            }
        }

        /// Appends UTF-8 text.
        public func append(_ text: String) throws { try append(Array(text.utf8)) }

        /// Closes the temporary file and moves it to `path`.
        public func commit() throws {
            // A replaced file keeps its permission bits.
            var existing = stat()
            if stat(path, &existing) == 0 && existing.st_mode & 0o7777 != 0o666 & ~AtomicFile.processUmask {
                if fchmod(fd, existing.st_mode & 0o7777) != 0 { throw AtomicFile.writeError(path, "cannot set permissions") }
            }
            if syncBeforeRename && fsync(fd) != 0 { throw AtomicFile.writeError(path, "fsync failed") }
            let closing = fd
            fd = -1
            if close(closing) != 0 { throw AtomicFile.writeError(path, "closing the file failed") }
            if overwrite {
                if rename(temp, path) != 0 { throw AtomicFile.writeError(path, "cannot move the finished file into place") }
            } else {
                if link(temp, path) != 0 {
                    if errno == EEXIST { throw FileError(.exists, path: path, "already exists (refusing to overwrite)") }
                    throw AtomicFile.writeError(path, "cannot move the finished file into place")
                }
                unlink(temp)
            }
            placed = true
        }
    }

    /// Deletes in-flight temporary files when the process is interrupted, and
    /// turns a file-size limit into a write error instead of a fatal signal.
    public static func installInterruptCleanup() {
        seg_install_tempfile_cleanup()
    }

    /// `HOST-PID-COUNTER-RANDOM`: unique within the process, unlikely to collide
    /// across processes; host and process id let ``TemporarySweep`` find the
    /// files of killed runs.
    private static func uniqueSuffix() -> String {
        counterLock.lock()
        counter &+= 1
        let n = counter
        counterLock.unlock()
        return "\(TemporarySweep.hostTag)-\(getpid())-\(n)-\(String(UInt32.random(in: 0...UInt32.max), radix: 36))"
    }

    private static let counterLock = NSLock()
    nonisolated(unsafe) private static var counter: UInt64 = 0

    /// The process umask, read without changing it (`umask()` can only be
    /// read by setting it, which races with other threads creating files).
    private static let processUmask: mode_t = {
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Umask:") }),
           let value = mode_t(line.dropFirst(6).trimmingCharacters(in: .whitespaces), radix: 8) {
            return value
        }
        return 0o022
    }()

    private static func writeError(_ path: String, _ what: String) -> FileError {
        FileError(.writeFailed, path: path, "\(what): \(String(cString: strerror(errno)))")
    }
}

/// `mkdir -p`, failing as a write error (exit 2 in every tool) that names the folder.
public func createFolder(_ folder: String) throws {
    guard !folder.isEmpty else { return }
    do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
        throw FileError(.writeFailed, path: folder, "cannot create the folder")
    }
}

/// Creates the folder an output file goes into, like `mkdir -p`: the path
/// up to its last `/` (none: the current folder, nothing to make). Not
/// `NSString.deletingLastPathComponent`, which traps (SIGILL) on the path
/// `-` in Foundation on Linux (Swift 6.3): `segeval --per-image -` crashed.
public func createParentFolder(of path: String) throws {
    guard let slash = path.lastIndex(of: "/") else { return }
    try createFolder(slash == path.startIndex ? "/" : String(path[..<slash]))
}
