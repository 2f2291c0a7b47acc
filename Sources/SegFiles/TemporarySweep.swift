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

    /// A SegKit temporary name's parts, or nil for any other name. `host` is
    /// nil for the older form `.NAME.tmp-PID-COUNTER-RANDOM` (before names
    /// carried the host), which is recognised but never removed: its host is unknown.
    public static func parse(_ name: String) -> (host: String?, pid: Int32)? {
        guard name.hasPrefix("."), let range = name.range(of: ".tmp-", options: .backwards) else { return nil }
        var parts = name[range.upperBound...].split(separator: "-", omittingEmptySubsequences: false)
        var host: String?
        if parts.count == 4 {
            guard parts[0].count == 8, parts[0].allSatisfy(\.isHexDigit) else { return nil }
            host = String(parts.removeFirst())
        }
        guard parts.count == 3, let pid = Int32(parts[0]), pid > 0, UInt64(parts[1]) != nil,
              !parts[2].isEmpty, parts[2].allSatisfy({ $0.isLetter || $0.isNumber }) else { return nil }
        return (host, pid)
    }

    /// Whether process `pid` of this host no longer exists.
    public static func isGone(_ pid: Int32) -> Bool {
        kill(pid, 0) != 0 && errno == ESRCH
    }

    /// Temporaries in `folder` left by processes of this host that are gone.
    public static func leftovers(in folder: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        return names.filter { name in
            guard let (host, pid) = parse(name), host == hostTag else { return false }
            return isGone(pid)
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
