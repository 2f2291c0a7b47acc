import ArgumentParser
import Foundation
import SegCore
import SegImage
import SegPrep

/// Exit codes shared by every segprep subcommand (documented in docs/segprep.md).
enum ExitStatus {
    /// One or more inputs were bad (unreadable, corrupt, unexpected values).
    static let inputFailed: Int32 = 1
    /// An output could not be written.
    static let writeFailed: Int32 = 2
    /// The command line or the plan it implies is wrong.
    static let usage: Int32 = 64
}

/// Prints `segprep <sub>: error: …` on one line and returns the exit code.
func fail(_ command: String, _ message: Any, code: Int32) -> ExitCode {
    StandardError.line("segprep \(command): error: \(message)")
    return ExitCode(code)
}

@main
struct SegPrepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segprep",
        abstract: "Prepare segmentation datasets: remap label values, split into manifests, check datasets, unstack TIFF volumes.",
        version: "0.1.0",
        subcommands: [Remap.self, Split.self, Check.self, Augment.self, Unstack.self]
    )
}
