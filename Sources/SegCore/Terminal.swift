import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes logs and progress to standard error (never stdout, which carries data).
public enum StandardError {
    private static let lock = NSLock()

    /// Writes `text` followed by a newline.
    public static func line(_ text: String) { write(text + "\n") }

    /// The name warnings and errors start with (`segprep split`); SegCLI's
    /// `CommandLineTool` sets it once at start, before any work.
    nonisolated(unsafe) public static var toolName = (CommandLine.arguments.first as NSString?)?.lastPathComponent ?? "segkit"

    /// Writes `TOOL: warning: text`.
    public static func warning(_ text: String) { line("\(toolName): warning: \(text)") }

    /// Writes `TOOL: error: text` (for failures reported while work goes on).
    public static func error(_ text: String) { line("\(toolName): error: \(text)") }

    /// Writes `text` as is.
    public static func write(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        var bytes = Array(text.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress! + done, $0.count - done) }
            if n <= 0 { if errno == EINTR { continue }; return }
            done += n
        }
        bytes.removeAll()
    }

    /// True when stderr is an interactive terminal that can redraw a line.
    public static var isInteractive: Bool {
        guard isatty(2) != 0 else { return false }
        return ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }
}

/// Writes data to standard output.
public enum StandardOutput {
    public static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}

/// A one-line progress bar on stderr, drawn only when stderr is a terminal.
/// Thread-safe: workers call ``advance()`` concurrently.
public final class ProgressBar: @unchecked Sendable {
    private let total: Int
    private let label: String
    private let enabled: Bool
    private let lock = NSLock()
    private var done = 0
    private var lastDraw = 0.0
    private let started = Date().timeIntervalSinceReferenceDate
    private let rateUnit: String?

    /// `rateUnit` (e.g. "images") adds a throughput figure ("3.2 images/s").
    public init(total: Int, label: String, rateUnit: String? = nil, enabled: Bool = StandardError.isInteractive) {
        self.total = total
        self.label = label
        self.rateUnit = rateUnit
        self.enabled = enabled && total > 0
    }

    /// Records one finished item and redraws at most ten times a second.
    public func advance() {
        guard enabled else { return }
        lock.lock()
        done += 1
        let now = Date().timeIntervalSinceReferenceDate
        let draw = done == total || now - lastDraw > 0.1
        if draw { lastDraw = now }
        let snapshot = done
        lock.unlock()
        if draw { render(snapshot) }
    }

    /// Clears the bar so that following log lines start clean.
    public func finish() {
        guard enabled else { return }
        StandardError.write("\r\u{1B}[K")
    }

    private func render(_ count: Int) {
        let width = 30
        let filled = total == 0 ? width : count * width / total
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        var rate = ""
        if let rateUnit {
            let elapsed = Date().timeIntervalSinceReferenceDate - started
            if elapsed > 0 { rate = "  " + String(format: "%.2f", Double(count) / elapsed) + " \(rateUnit)/s" }
        }
        StandardError.write("\r\(label) [\(bar)] \(count)/\(total)\(rate)")
    }
}
