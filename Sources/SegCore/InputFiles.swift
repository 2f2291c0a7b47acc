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
public struct InputListError: CategorizedError, Sendable {
    /// What is wrong; its settings are spelled when it is printed.
    public let problem: Message
    /// A missing path or empty list is a bad input; a malformed pattern is usage.
    public let category: FailureCategory
    public init(_ problem: Message, _ category: FailureCategory = .badInput) {
        self.problem = problem
        self.category = category
    }
    public init(_ description: String, _ category: FailureCategory = .badInput) { self.init(Message(description), category) }
    public var description: String { problem.description }
}

/// Expands command-line inputs into a sorted list of image files.
///
/// Each argument is a file (always taken), a directory (searched recursively
/// for files whose extension is an image format; hidden entries are skipped,
/// symlinked folders are followed, a symlink back to an enclosing folder is
/// not), or `-` for a newline-separated list on standard input. Directory
/// contents come back in ``NaturalOrder``.
///
/// **Every distinct path name is an entry**: symbolic and hard links to one
/// file (link farms, DVC and git-annex checkouts, where identical masks
/// share one object) are separate entries under their own names. Only the
/// same path reached twice (a folder and a file in it, a repeated argument
/// or stdin line) is listed once, with a notice.
public enum InputFiles {
    /// Extensions picked up when scanning directories.
    public static let imageExtensions: Set<String> = ["png", "jpg", "jpeg", "jpe", "jfif", "tif", "tiff", "gif"]
    /// Extensions of image formats SegKit does not read: a folder scan names
    /// such files in a notice (with their count) instead of skipping them silently.
    public static let unreadImageExtensions: Set<String> = ["bmp", "webp", "jp2", "j2k", "jpx", "jxl", "avif", "heic", "heif", "pgm", "ppm", "pbm", "pnm", "tga", "exr", "hdr", "dcm", "nii", "mha", "mhd", "nrrd", "npy", "npz"]

    /// Expands `arguments`; `base`, when given, is the folder that relative
    /// paths of plain files (and stdin entries) are computed against.
    /// `notice` receives one line for each thing worth a warning (repeated
    /// paths, image files of formats that are not read); by default a
    /// warning on standard error.
    public static func collect(_ arguments: [String], base: String? = nil,
                               readStdin: () -> String? = { readStandardInput() },
                               notice: (String) -> Void = StandardError.warning) throws -> [InputFile] {
        var result: [InputFile] = []
        var stdinUsed = false
        var unread: [String] = []
        for argument in arguments {
            if argument == "-" {
                guard !stdinUsed else { throw InputListError("'-' (standard input) given more than once", .usage) }
                stdinUsed = true
                let lines = (readStdin() ?? "").split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
                for line in lines {
                    let path = String(line)
                    if path.isEmpty { continue }
                    result.append(contentsOf: try expand(path, base: base, unread: &unread))
                }
            } else {
                result.append(contentsOf: try expand(argument, base: base, unread: &unread))
            }
        }
        if !unread.isEmpty {
            let formats = Set(unread.map(fileExtension)).sorted().joined(separator: ", ")
            notice("\(unread.count) file\(unread.count == 1 ? "" : "s") in a format SegKit does not read (\(formats)) left out, e.g. \(unread[0]); convert them to PNG or TIFF")
        }
        return unique(result, notice: notice)
    }

    /// `files` without later entries whose path is the same path (spelled
    /// alike once made absolute and `.`/`..` applied), with one notice giving
    /// the count; links under other names stay. For callers that gather
    /// entries from several sources (folders and manifests).
    public static func unique(_ files: [InputFile], notice: (String) -> Void = StandardError.warning) -> [InputFile] {
        let (unique, repeated) = uniquePaths(files)
        if repeated > 0 {
            notice("\(repeated) path\(repeated == 1 ? "" : "s") given more than once (a folder and a file in it, a repeated argument or line) listed once")
        }
        return unique
    }

    private static func uniquePaths(_ files: [InputFile]) -> ([InputFile], repeated: Int) {
        var seen = Set<String>()
        let cwd = FileManager.default.currentDirectoryPath
        let unique = files.filter { file in
            let absolute = file.path.hasPrefix("/") ? file.path : cwd + "/" + file.path
            return seen.insert(lexicallyNormalized(absolute)).inserted
        }
        return (unique, files.count - unique.count)
    }

    private static func expand(_ path: String, base: String?, unread: inout [String]) throws -> [InputFile] {
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw InputListError("\(path): \(String(cString: strerror(errno)))")
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            var found: [String] = []
            walk(path, relative: "", ancestors: [], into: &found, unread: &unread)
            return NaturalOrder.sorted(found).map { rel in
                InputFile(path: join(path, rel), relativePath: rel)
            }
        }
        return [InputFile(path: path, relativePath: relative(path, to: base))]
    }

    /// Lists image files under `dir`. `ancestors` are the folders (device and
    /// inode) on the way down: a link back to one of them is a loop and is not
    /// followed; the same folder reached under two names is listed under both.
    private static func walk(_ dir: String, relative: String, ancestors: Set<[UInt64]>,
                             into found: inout [String], unread: inout [String]) {
        var st = stat()
        guard stat(dir, &st) == 0 else { return }
        let key = [UInt64(st.st_dev), UInt64(st.st_ino)]
        guard !ancestors.contains(key) else { return }  // a symlink loop
        var below = ancestors
        below.insert(key)
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return }
        for name in entries where !name.hasPrefix(".") {
            let full = join(dir, name)
            let rel = relative.isEmpty ? name : relative + "/" + name
            var est = stat()
            guard stat(full, &est) == 0 else {
                // A dangling link (an annexed file not fetched) is still an entry: reading it
                // fails with a message naming it, instead of the file quietly not existing.
                if lstat(full, &est) == 0, (est.st_mode & S_IFMT) == S_IFLNK, imageExtensions.contains(fileExtension(name)) {
                    found.append(rel)
                }
                continue
            }
            if (est.st_mode & S_IFMT) == S_IFDIR {
                walk(full, relative: rel, ancestors: below, into: &found, unread: &unread)
            } else if imageExtensions.contains(fileExtension(name)) {
                found.append(rel)
            } else if unreadImageExtensions.contains(fileExtension(name)) {
                unread.append(join(dir, name))
            }
        }
    }

    /// `path` with its folder resolved (absolute, symlink-free) but its own
    /// name kept: how a link is shown in manifests, under the name the user gave.
    public static func resolvedFolder(_ path: String) -> String {
        let name = (path as NSString).lastPathComponent
        let folder = (path as NSString).deletingLastPathComponent
        return canonical(folder.isEmpty ? "." : folder) + "/" + name
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
