import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Temporary files that killed runs left behind. ``AtomicFile`` names its
/// temporaries `.NAME.tmp-HOST-PID-COUNTER-RANDOM`; a SIGKILL (OOM killer,
/// Slurm time limit) gives no chance to delete them. The first write into a
/// folder removes the ones whose process is gone: written on this host (the
/// host tag matches) by a process id that no longer exists. Another live
/// process's files, files from other hosts sharing the folder, and any other
/// name are never touched.
public enum TemporarySweep {
    /// This host's tag in temporary names (8 hex digits of its name's hash).
    public static let hostTag: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count - 1)
        var hash: UInt32 = 2_166_136_261  // FNV-1a
        for byte in String(cString: buffer).utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return String(format: "%08x", hash)
    }()

    /// A SegKit temporary name's parts, or nil for any other name.
    public static func parse(_ name: String) -> (host: String, pid: Int32)? {
        guard name.hasPrefix("."), let range = name.range(of: ".tmp-", options: .backwards) else { return nil }
        let parts = name[range.upperBound...].split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0].count == 8, parts[0].allSatisfy(\.isHexDigit),
              let pid = Int32(parts[1]), pid > 0, UInt64(parts[2]) != nil,
              !parts[3].isEmpty, parts[3].allSatisfy({ $0.isLetter || $0.isNumber }) else { return nil }
        return (String(parts[0]), pid)
    }

    /// Temporaries in `folder` left by processes of this host that are gone.
    public static func leftovers(in folder: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        return names.filter { name in
            guard let (host, pid) = parse(name), host == hostTag else { return false }
            return kill(pid, 0) != 0 && errno == ESRCH
        }.sorted()
    }

    /// Removes ``leftovers(in:)`` the first time this process writes into
    /// `folder`; returns how many went.
    @discardableResult
    public static func sweepOnce(_ folder: String) -> Int {
        lock.lock()
        let first = swept.insert(folder).inserted
        lock.unlock()
        guard first else { return 0 }
        var removed = 0
        for name in leftovers(in: folder) where unlink(folder + "/" + name) == 0 { removed += 1 }
        return removed
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var swept = Set<String>()
}
