import ArgumentParser
import Foundation
import SegCLI
import SegCore
import SegImage
import SegPrep

@main
struct SegPrepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segprep",
        abstract: "Prepare segmentation datasets: remap label values, split into manifests, check datasets, unstack TIFF volumes.",
        version: BuildInfo.versionLine,
        subcommands: [Remap.self, Split.self, Check.self, Augment.self, Unstack.self]
    )

    /// Parses, runs, and reports failures as every SegKit tool does.
    static func main() { CommandLineTool.main(Self.self) }
}
