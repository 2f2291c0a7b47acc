import Foundation
import SegCLI
import SegCore
import SegTestSupport
import XCTest

/// The settings library messages refer to are spelled as flags the tools
/// really have: a message never sends a user to an option that does not exist.
final class VocabularyTests: XCTestCase {
    func testEverySettingALibraryNamesIsAFlagOfSomeTool() throws {
        let helps: [(String, [String])] = [
            ("segprep", ["remap", "--help"]), ("segprep", ["split", "--help"]), ("segprep", ["check", "--help"]),
            ("segprep", ["augment", "--help"]), ("segprep", ["unstack", "--help"]),
            ("segeval", ["evaluate", "--help"]), ("segeval", ["merge", "--help"]), ("segpredict", ["--help"]),
        ]
        var text = ""
        for (tool, arguments) in helps {
            let run = try runTool(tool, arguments)
            XCTAssertEqual(run.status, 0, "\(tool) \(arguments.joined(separator: " "))")
            text += run.stdout
        }
        for setting in Setting.all {
            let flag = FlagSpelling.spell(setting)
            XCTAssertNotNil(text.range(of: flag + #"\b(?!-)"#, options: .regularExpression), "\(flag) (setting \(setting.name)) is in no tool's --help")
        }
        let steps = try runTool("segprep", ["--help"]).stdout
        for step in Setting.steps { XCTAssertTrue(steps.contains(step), "segprep has no subcommand \(step)") }
    }
}
