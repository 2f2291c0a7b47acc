import ArgumentParser
import Foundation
import SegCore
import SegFiles

/// The one entry point of every SegKit executable: parses the command line,
/// runs the command, and turns whatever it throws into one line on stderr,
/// `TOOL SUB: error: …`, and the exit code of its ``FailureCategory``.
/// Usage errors found by the parser read the same way (followed by the usage
/// lines); `--help` and `--version` print as usual.
public enum CommandLineTool {
    /// Runs `Root` (the `@main` command) with the process's arguments and exits.
    public static func main<Root: ParsableCommand>(_ root: Root.Type, arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Never {
        let prefix = self.prefix(root, arguments: arguments)
        StandardError.toolName = prefix
        Message.spelling = FlagSpelling.spell
        do {
            var command = try root.parseAsRoot(arguments)
            try command.run()
            Foundation.exit(0)
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch let error as CategorizedError {
            Foundation.exit(report(error, prefix: prefix).rawValue)
        } catch {
            let code = root.exitCode(for: error)
            if code == .success { root.exit(withError: error) }  // --help, --version
            var message = root.fullMessage(for: error)
            if message.hasPrefix("Error: ") { message.removeFirst("Error: ".count) }
            StandardError.line("\(prefix): error: \(message)")
            Foundation.exit(code.rawValue)
        }
    }

    /// Prints `PREFIX: error: <error>` and returns the error's exit code.
    @discardableResult
    public static func report(_ error: Error, prefix: String) -> ExitCode {
        StandardError.line("\(prefix): error: \(error)\(hint(for: error).map { "; \($0)" } ?? "")")
        return ExitStatus(for: error).exit
    }

    /// The option that gets past `error`, for errors whose remedy is one
    /// (the libraries describe the problem, not the command line).
    static func hint(for error: Error) -> String? {
        if let error = error as? FileError, error.kind == .exists { return "pass --force to replace" }
        return nil
    }

    /// `segprep remap`: the tool and, when the tool has no default subcommand,
    /// the subcommand named first on the command line.
    static func prefix<Root: ParsableCommand>(_ root: Root.Type, arguments: [String]) -> String {
        let configuration = root.configuration
        let name = configuration.commandName ?? "segkit"
        guard configuration.defaultSubcommand == nil, let first = arguments.first,
              let sub = configuration.subcommands.first(where: { $0._commandName == first }) else { return name }
        return "\(name) \(sub._commandName)"
    }
}
