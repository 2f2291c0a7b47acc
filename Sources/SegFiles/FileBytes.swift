import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Whole-file reads with errors that name the file.
public enum FileBytes {
    /// Reads a file completely. Refuses directories and files over `limit` bytes.
    public static func read(_ path: String, limit: Int = 1 << 34) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw FileError(.unreadable, path: path, openFailure(path, errno: errno)) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            throw FileError(.unreadable, path: path, "cannot stat: \(String(cString: strerror(errno)))")
        }
        if (st.st_mode & S_IFMT) == S_IFDIR { throw FileError(.unreadable, path: path, "is a directory, not a file") }
        if (st.st_mode & S_IFMT) != S_IFREG { return try readToEnd(fd, path: path, limit: limit) }  // pipes, devices
        let size = Int(st.st_size)
        if size > limit { throw FileError(.tooLarge, path: path, "file is larger than \(limit) bytes") }
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        try bytes.withUnsafeMutableBytes { buf in
            while done < size {
                let n = Glibc.read(fd, buf.baseAddress! + done, size - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw FileError(.unreadable, path: path, "read failed: \(String(cString: strerror(errno)))")
                }
                if n == 0 { break }
                done += n
            }
        }
        if done < size { bytes.removeLast(size - done) }
        return bytes
    }

    /// The bytes `range` of a regular file (pread), for formats read piece by
    /// piece so that a large file never sits in memory whole (model weights).
    /// A file shorter than the range is an error.
    public static func read(_ path: String, range: Range<Int>) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw FileError(.unreadable, path: path, openFailure(path, errno: errno)) }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: range.count)
        var done = 0
        try bytes.withUnsafeMutableBytes { buf in
            while done < range.count {
                let n = pread(fd, buf.baseAddress! + done, range.count - done, off_t(range.lowerBound + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw FileError(.unreadable, path: path, "read failed: \(String(cString: strerror(errno)))")
                }
                if n == 0 { throw FileError(.unreadable, path: path, "file ended at byte \(range.lowerBound + done), expected \(range.upperBound) (changed while reading?)") }
                done += n
            }
        }
        return bytes
    }

    /// The size of a regular file, nil for anything else (pipes, devices,
    /// directories) or when it cannot be examined.
    public static func regularFileSize(_ path: String) -> Int? {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(st.st_size)
    }

    /// Why `path` could not be opened; a symbolic link whose target is missing
    /// (git-annex or DVC content that was never fetched) is named as such.
    static func openFailure(_ path: String, errno code: Int32) -> String {
        var st = stat()
        if code == ENOENT, lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFLNK {
            var target = [CChar](repeating: 0, count: 4096)
            let n = readlink(path, &target, target.count - 1)
            let to = n > 0 ? String(decoding: target[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : "?"
            return "a symbolic link to \(to), which does not exist (git-annex or DVC content not fetched?)"
        }
        return "cannot open: \(String(cString: strerror(code)))"
    }

    /// Reads a stream of unknown length (a FIFO, `<(…)`) until end of file.
    private static func readToEnd(_ fd: Int32, path: String, limit: Int) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError(.unreadable, path: path, "read failed: \(String(cString: strerror(errno)))")
            }
            if n == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > limit { throw FileError(.tooLarge, path: path, "file is larger than \(limit) bytes") }
        }
    }
}
