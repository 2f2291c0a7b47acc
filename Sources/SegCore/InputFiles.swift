import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One input file and its path relative to the folder it was found in
/// (used to mirror the input tree under an output folder).
public struct InputFile: Sendable, Equatable {
    public let path: String
    public let relativePath: String

    public init(path: String, relativePath: String) {
        self.path = path
        self.relativePath = relativePath
    }
}

/// A problem with the input list itself (missing path, empty list…).
public struct InputListError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Expands command-line inputs into a sorted list of image files.
///
/// Each argument is a file (always taken), a directory (searched recursively
/// for files whose extension is an image format; hidden entries are skipped,
/// symlink loops are followed once), or `-` for a newline-separated list on
/// standard input. Directory contents come back in ``NaturalOrder``.
public enum InputFiles {
    /// Extensions picked up when scanning directories.
    public static let imageExtensions: Set<String> = ["png", "jpg", "jpeg", "tif", "tiff", "gif"]

    /// Expands `arguments`; `base`, when given, is the folder that relative
    /// paths of plain files (and stdin entries) are computed against. A file
    /// reached twice (a folder and a file in it, a symlink, a repeated stdin
    /// line) is listed once, where it first appears.
    public static func collect(_ arguments: [String], base: String? = nil,
                               readStdin: () -> String? = { readStandardInput() }) throws -> [InputFile] {
        var result: [InputFile] = []
        var stdinUsed = false
        for argument in arguments {
            if argument == "-" {
                guard !stdinUsed else { throw InputListError("'-' (standard input) given more than once") }
                stdinUsed = true
                let lines = (readStdin() ?? "").split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
                for line in lines {
                    let path = String(line)
                    if path.isEmpty { continue }
                    result.append(contentsOf: try expand(path, base: base))
                }
            } else {
                result.append(contentsOf: try expand(argument, base: base))
            }
        }
        return unique(result)
    }

    /// Drops later entries that name the same file (same device and inode).
    private static func unique(_ files: [InputFile]) -> [InputFile] {
        var seen = Set<[UInt64]>()
        return files.filter { file in
            var st = stat()
            guard stat(file.path, &st) == 0 else { return true }
            return seen.insert([UInt64(st.st_dev), UInt64(st.st_ino)]).inserted
        }
    }

    private static func expand(_ path: String, base: String?) throws -> [InputFile] {
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw InputListError("\(path): \(String(cString: strerror(errno)))")
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            var visited = Set<[UInt64]>()
            var found: [String] = []
            walk(path, relative: "", visited: &visited, into: &found)
            return NaturalOrder.sorted(found).map { rel in
                InputFile(path: join(path, rel), relativePath: rel)
            }
        }
        return [InputFile(path: path, relativePath: relative(path, to: base))]
    }

    private static func walk(_ dir: String, relative: String, visited: inout Set<[UInt64]>, into found: inout [String]) {
        var st = stat()
        guard stat(dir, &st) == 0 else { return }
        let key = [UInt64(st.st_dev), UInt64(st.st_ino)]
        guard visited.insert(key).inserted else { return }  // symlink loop or repeated folder
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return }
        for name in entries where !name.hasPrefix(".") {
            let full = join(dir, name)
            let rel = relative.isEmpty ? name : relative + "/" + name
            var est = stat()
            guard stat(full, &est) == 0 else { continue }
            if (est.st_mode & S_IFMT) == S_IFDIR {
                walk(full, relative: rel, visited: &visited, into: &found)
            } else if imageExtensions.contains(fileExtension(name)) {
                found.append(rel)
            }
        }
    }

    /// The absolute, symlink-free form of `path`; for a path that does not
    /// exist yet, its deepest existing ancestor is resolved and the rest appended.
    public static func canonical(_ path: String) -> String {
        if let resolved = realpath(path, nil) {
            defer { free(resolved) }
            return String(cString: resolved)
        }
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let parent = (absolute as NSString).deletingLastPathComponent
        if parent == absolute { return absolute }
        return canonical(parent) + "/" + (absolute as NSString).lastPathComponent
    }

    /// `path` with `.` and empty components removed and `..` applied to the
    /// text alone (no file-system access), for comparing spellings of a path.
    public static func lexicallyNormalized(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
            parts.append(part)
        }
        return (path.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
    }

    /// Lower-cased extension without the dot ("" when none).
    public static func fileExtension(_ name: String) -> String {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return name[name.index(after: dot)...].lowercased()
    }

    /// `name` without its extension.
    public static func stem(_ name: String) -> String {
        let last = name.split(separator: "/").last.map(String.init) ?? name
        guard let dot = last.lastIndex(of: "."), dot != last.startIndex else { return last }
        return String(last[..<dot])
    }

    static func join(_ dir: String, _ rel: String) -> String {
        dir.hasSuffix("/") ? dir + rel : dir + "/" + rel
    }

    /// Path of `path` relative to `base` when it lies inside it, else its file name.
    static func relative(_ path: String, to base: String?) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let base else { return name }
        let absPath = URL(fileURLWithPath: path).standardizedFileURL.path
        var absBase = URL(fileURLWithPath: base).standardizedFileURL.path
        if !absBase.hasSuffix("/") { absBase += "/" }
        return absPath.hasPrefix(absBase) ? String(absPath.dropFirst(absBase.count)) : name
    }

    /// Reads all of standard input as text.
    public static func readStandardInput() -> String? {
        let data = FileHandle.standardInput.readDataToEndOfFile()
        return String(decoding: data, as: UTF8.self)
    }
}
