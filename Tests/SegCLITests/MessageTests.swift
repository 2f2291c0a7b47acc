import Foundation
@testable import SegCLI
import SegCore
import SegMetrics
import SegModel
import SegPrep
import XCTest

/// The libraries speak their own language: messages name settings, and only
/// SegCLI spells them as flags.
final class MessageTests: XCTestCase {
    func testLibraryMessagesNameSettingsInTheirOwnTerms() {
        let error = PrepError("\(setting: .ratio) asks for 30 units but there are only 20")
        XCTAssertEqual(error.description, "`ratio` asks for 30 units but there are only 20")
        let repair: Message = "repair it (\(setting: .step("remap")) \(setting: .nearest))"
        XCTAssertEqual(repair.description, "repair it (the `remap` step `nearest`)")
        XCTAssertEqual(repair.settings, [.step("remap"), .nearest])
    }

    func testTheCommandLineSpellsSettingsAsFlags() {
        let message: Message = "\(setting: .groupBy) finds no group; drop \(setting: .strictGt) or use \(setting: .step("remap")) \(setting: .nearest)"
        XCTAssertEqual(message.rendered(FlagSpelling.spell),
                       "--group-by finds no group; drop --strict-gt or use segprep remap --nearest")
        XCTAssertEqual(FlagSpelling.spell(.maskValues), "--mask-values")
        XCTAssertEqual(FlagSpelling.spell(.step("check")), "segprep check")
    }

    /// Every error type and warning path spells with what the front end
    /// installed, so a report row, a log line and an error read alike.
    func testInstalledSpellingServesEveryErrorType() {
        let saved = Message.spelling
        defer { Message.spelling = saved }
        Message.spelling = FlagSpelling.spell
        let errors: [Error] = [
            PrepError("\(setting: .folds) needs at least 2 folds"),
            EvalError(.input, "use \(setting: .predValues) probability"),
            ModelError(path: "w.safetensors", "use \(setting: .mask)"),
            RemapPlanError("pass \(setting: .out) DIR"),
            InputListError("\(setting: .key) is not a valid regular expression", .usage),
            ManifestError("use \(setting: .format) csv"),
            RemapError(.colorMask, path: "a.png", "pass \(setting: .colors) FILE"),
        ]
        XCTAssertEqual(errors.map { "\($0)" }, [
            "--folds needs at least 2 folds", "use --pred-values probability", "w.safetensors: use --mask",
            "pass --out DIR", "--key is not a valid regular expression", "use --format csv", "a.png: pass --colors FILE",
        ])
    }

    func testEveryCataloguedSettingHasItsOwnSpelling() {
        let spellings = Setting.all.map(FlagSpelling.spell)
        XCTAssertEqual(Set(spellings).count, Setting.all.count)
        XCTAssertTrue(spellings.allSatisfy { $0.hasPrefix("--") && !$0.contains(where: \.isUppercase) }, "\(spellings)")
        XCTAssertEqual(Setting.steps.map { FlagSpelling.spell(.step($0)) }, Setting.steps.map { "segprep \($0)" })
    }

    /// No library source spells a flag in a message: a literal holding
    /// `--name` outside a doc comment fails this test. The metric registry's
    /// documentation lines (they generate segeval's docs table) are the
    /// exception, listed here by file.
    func testLibrarySourcesSpellNoFlags() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
        let documentationTables: Set<String> = ["MetricRegistry.swift", "ConfusionFamily.swift", "SalientFamily.swift"]
        let flag = try NSRegularExpression(pattern: #""[^"]*(?<![\w-])--[a-z][a-z-]*"#)
        var offenders: [String] = []
        for module in ["SegCore", "SegFiles", "SegImage", "SegMetrics", "SegPrep", "SegModel"] {
            let folder = sources.appendingPathComponent(module)
            let files = FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String } ?? []
            XCTAssertFalse(files.isEmpty, "no sources found in \(folder.path)")
            for file in files where file.hasSuffix(".swift") && !documentationTables.contains((file as NSString).lastPathComponent) {
                let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
                for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    let code = String(line.split(separator: "//", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
                    if flag.firstMatch(in: code, range: NSRange(code.startIndex..., in: code)) != nil {
                        offenders.append("\(module)/\(file):\(n + 1)")
                    }
                }
            }
        }
        XCTAssertEqual(offenders, [], "library messages spell flags; name a Setting instead")
    }
}
