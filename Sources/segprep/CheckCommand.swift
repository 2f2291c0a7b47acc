import ArgumentParser
import Foundation
import SegCLI
import SegCore
import SegImage
import SegPrep

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify a dataset folder and/or manifests: files decode, sizes match, label values, no leakage.",
        discussion: """
        Arguments: manifest files, folders of manifests (as written by split), or dataset folders holding \
        images/ and labels/ (or image/, label/, masks/, mask/, gt/). Findings go to stdout, one per line \
        (or --format json). Exit codes: 0 no findings, 1 findings, 64 usage.
        """
    )

    @Argument(help: "Manifests, manifest folders or dataset folders.")
    var inputs: [String]

    @Option(name: .long, help: "Expected label values, e.g. 0,1, 0,255 or 0-18,255 (default: binary, either 0/1 or 0/255 throughout).")
    var classes: LabelValueList?

    @Option(name: .long, help: "No group (regex's first capture group of the image name) may appear in two splits.")
    var groupBy: String?

    @OptionGroup var pairing: PairingOptions

    @Option(name: .long, help: "Image subfolder of a dataset folder, when not images/, image/, imgs/ or img/.")
    var imageDir: String?

    @Option(name: .long, help: "Label subfolder of a dataset folder (needed when several subfolders could hold the labels, e.g. DRIVE's 1st_manual/ and mask/).")
    var labelDir: String?

    @Option(name: .long, help: "table or json (text: old name of table).")
    var format: CheckFormat = .table

    @Flag(name: .long, help: "Skip comparing files with the hashes in split.json.")
    var noVerifyHashes = false

    @OptionGroup var parallel: ParallelOptions

    func validate() throws {
    }

    func run() throws {
        var options = CheckOptions()
        options.classes = classes?.values
        options.groupBy = groupBy
        options.pairing = pairing.rule
        options.verifyHashes = !noVerifyHashes
        options.workers = parallel.workers(default: options.workers)
        let report: CheckReport
        if let groupBy { _ = try GroupPattern(groupBy) }
        let (sources, initial) = try Checker.sources(inputs, pairing: pairing.rule, imageFolder: imageDir, labelFolder: labelDir)
        let progress = ProgressBar(total: sources.reduce(0) { $0 + $1.entries.count }, label: "check")
        report = try Checker.run(sources, initialFindings: initial, options: options, progress: progress)
        progress.finish()
        StandardOutput.write(format == .json ? report.json() : report.text())
        if !report.findings.isEmpty { throw ExitStatus.badInput.exit }
    }
}
