import ArgumentParser
import Foundation
import SegCLI
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

/// The exit code for an error a job threw: image errors are bad inputs unless
/// writing failed; PrepError says which of usage, input or output it is.
func exitStatus(for error: Error) -> Int32 {
    switch error {
    case let error as ImageError:
        return error.kind == .writeFailed ? ExitStatus.writeFailed : ExitStatus.inputFailed
    case let error as PrepError:
        switch error.category {
        case .usage: return ExitStatus.usage
        case .input: return ExitStatus.inputFailed
        case .output: return ExitStatus.writeFailed
        }
    default:
        return ExitStatus.inputFailed
    }
}

@main
struct SegPrepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segprep",
        abstract: "Prepare segmentation datasets: remap label values, split into manifests, check datasets, unstack TIFF volumes.",
        version: BuildInfo.versionLine,
        subcommands: [Remap.self, Split.self, Check.self, Augment.self, Unstack.self]
    )
}
