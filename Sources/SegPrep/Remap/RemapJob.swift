import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import SegCore
import SegFiles
import SegImage

/// Plans output paths, then remaps files in parallel.
public enum RemapJob {
    /// Output path of every input (nil entries for dry runs). Fails when two
    /// inputs would write the same file, when an output would overwrite an
    /// input without `inPlace`, or when in-place is asked of a non-PNG file.
    public static func plan(_ inputs: [InputFile], options: RemapOptions) throws -> [String?] {
        if options.dryRun { return inputs.map { _ in nil } }
        if options.inPlace {
            for input in inputs where InputFiles.fileExtension(input.path) != "png" {
                throw RemapPlanError("\(input.path): \(setting: .inPlace) rewrites files as PNG, so it only accepts .png inputs (use \(setting: .out) DIR)")
            }
            // Write through symlinks to the real file, so the link stays a link.
            return inputs.map { InputFiles.canonical($0.path) }
        }
        guard let out = options.outputDirectory else {
            throw RemapPlanError("no output folder: pass \(setting: .out) DIR (or \(setting: .dryRun), or \(setting: .inPlace) to overwrite the inputs)")
        }
        // An output overwrites an input when it already exists as the same file
        // (device and inode: symlinks and ../ spellings included).
        let inputIDs = Set(inputs.compactMap { fileID($0.path) })
        var seen: [String: String] = [:]
        var outputs: [String?] = []
        for input in inputs {
            let rel = input.relativePath
            let dir = rel.contains("/") ? String(rel[..<rel.lastIndex(of: "/")!]) + "/" : ""
            let path = (out.hasSuffix("/") ? out : out + "/") + dir + InputFiles.stem(rel) + ".png"
            let key = InputFiles.lexicallyNormalized(path)
            if let other = seen[key] {
                throw RemapPlanError("\(input.path) and \(other) would both be written to \(path); give their folder instead of single files, or \(setting: .base) DIR")
            }
            if let id = fileID(path), inputIDs.contains(id) {
                throw RemapPlanError("\(path): output would overwrite an input; choose another \(setting: .out) folder or pass \(setting: .inPlace)")
            }
            seen[key] = input.path
            outputs.append(path)
        }
        return outputs
    }

    /// Runs the job. `progress` is advanced once per finished file.
    public static func run(_ inputs: [InputFile], options: RemapOptions, progress: ProgressBar? = nil) throws -> RemapSummary {
        let outputs = try plan(inputs, options: options)
        let mine = options.shard.select(Array(inputs.indices))
        if !options.overwrite && !options.inPlace { try ExistingOutputs.refuse(mine.compactMap { outputs[$0] }) }
        let remapper = Remapper(mapping: options.mapping)
        let state = JobState(count: mine.count)
        let workers = max(1, min(options.workers, mine.count))
        let directories = DirectoryMaker()
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let index = state.next(stopOnFailure: !options.keepGoing) {
                let report = process(inputs[mine[index]], output: outputs[mine[index]], remapper: remapper, options: options,
                                     directories: directories)
                state.store(report, at: index)
                progress?.advance()
            }
        }
        let (reports, skipped) = state.finish()
        return RemapSummary(mapping: options.mapping, dryRun: options.dryRun, files: reports, skipped: skipped)
    }

    private static func process(_ input: InputFile, output: String?, remapper: Remapper, options: RemapOptions,
                                directories: DirectoryMaker) -> RemapFileReport {
        let result: RemapResult
        do {
            // Passed straight through, the decoded buffer has one owner and is remapped in place.
            result = try remapper.remap(ImageReader.read(input.path, options: options.decode), path: input.path)
        } catch {
            return RemapFileReport(input: input.path, output: nil, before: Histogram(), after: Histogram(),
                                   error: "\(error)", writeFailed: false)
        }
        guard let output else {
            return RemapFileReport(input: input.path, output: nil, before: result.before, after: result.after, error: nil, writeFailed: false)
        }
        let image: Image
        if let palette = options.palette {
            image = Image(width: result.width, height: result.height, colorModel: .palette,
                          samples: .uint8(result.output), palette: palette)
            // Every tool reads a palette whose used colours are all gray as the gray image it
            // shows; a file that would read back as other values than its classes is refused.
            if image.hasGrayPalette, image.grayPaletteResolved().samples != image.samples {
                let used = Set(result.output).sorted().map { "\($0) (\(palette[Int($0)].r),\(palette[Int($0)].g),\(palette[Int($0)].b))" }
                return RemapFileReport(input: input.path, output: nil, before: result.before, after: result.after,
                                       error: ("\(input.path): every class in it has a gray palette colour (\(used.joined(separator: ", "))), so the palette PNG would be read back as those gray levels, not as classes; give one of these classes a colour in the table, or leave out \(setting: .palette)" as Message).description, writeFailed: false)
            }
        } else {
            image = Image.gray8(width: result.width, height: result.height, pixels: result.output)
        }
        do {
            try directories.ensureParent(of: output)
            try ImageWriter.write(image, to: output, as: options.encoding, content: .labels)
        } catch {
            return RemapFileReport(input: input.path, output: nil, before: result.before, after: result.after,
                                   error: "\(error)", writeFailed: true)
        }
        return RemapFileReport(input: input.path, output: output, before: result.before, after: result.after, error: nil, writeFailed: false)
    }

    /// Device and inode of the file at `path` (following symlinks), if it exists.
    private static func fileID(_ path: String) -> [UInt64]? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return [UInt64(st.st_dev), UInt64(st.st_ino)]
    }
}

/// Hands out input indices to workers and collects reports in input order.
private final class JobState: @unchecked Sendable {
    private let lock = NSLock()
    private var nextIndex = 0
    private var stopped = false
    private var reports: [RemapFileReport?]

    init(count: Int) { reports = Array(repeating: nil, count: count) }

    func next(stopOnFailure: Bool) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard !(stopOnFailure && stopped), nextIndex < reports.count else { return nil }
        nextIndex += 1
        return nextIndex - 1
    }

    func store(_ report: RemapFileReport, at index: Int) {
        lock.lock()
        reports[index] = report
        if report.error != nil { stopped = true }
        lock.unlock()
    }

    /// Reports of the files that ran, in input order, and how many never started.
    func finish() -> ([RemapFileReport], Int) {
        let done = reports.compactMap { $0 }
        return (done, reports.count - done.count)
    }
}

/// Creates output folders once each, safely from several threads.
private final class DirectoryMaker: @unchecked Sendable {
    private let lock = NSLock()
    private var made = Set<String>()

    func ensureParent(of path: String) throws {
        guard let slash = path.lastIndex(of: "/") else { return }
        let dir = String(path[..<slash])
        lock.lock()
        defer { lock.unlock() }
        if dir.isEmpty || made.contains(dir) { return }
        try createFolder(dir)
        made.insert(dir)
    }
}
