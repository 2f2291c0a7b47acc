import ArgumentParser
import Foundation
import SegFiles
import SegCore
import SegImage
import SegPrep

struct Unstack: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Split a multi-page TIFF into one PNG per page (OUT/STEM_00.png, …).",
        discussion: "Exit codes: 0 ok, 1 the input cannot be read, 2 an output could not be written, 64 usage."
    )

    @Argument(help: "The multi-page TIFF (any image works; a single-page file gives one PNG).")
    var volume: String

    @Option(name: .long, help: "Output folder (created if missing).")
    var out: String

    @Option(name: .long, help: "Output name pattern: {stem} (the volume's name), {page} (zero-padded page number), {n} (plain). Default {stem}_{page}.png; '{page}.png' for a volume and its labels makes names that pair.")
    var name: String = SegPrep.Unstack.defaultPattern

    func validate() throws {
        do { try SegPrep.Unstack.validate(pattern: name) } catch { throw ValidationError("--name \(error)") }
    }

    @Flag(name: .long, help: "Replace existing page files.")
    var force = false

    @Flag(name: .long, help: "Flush each page to the device before it takes its final name.")
    var fsync = false

    func run() throws {
        AtomicFile.installInterruptCleanup()
        AtomicFile.syncBeforeRename = fsync
        // Each path is printed as soon as its page is written, so a failure
        // on a later page still leaves an exact list of what exists.
        let written = try SegPrep.Unstack.run(volume, outputDirectory: out, pattern: name, overwrite: force) { path in
            StandardOutput.write(path + "\n")
        }
        StandardError.line("unstacked \(written.count) pages from \(volume)")
    }
}
