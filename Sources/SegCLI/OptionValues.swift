import ArgumentParser
import SegCore

// Option values defined in the libraries, read by ArgumentParser directly:
// each is parsed once when the command line is read, a bad value is a usage
// error before any work, and the valid values are listed in --help.

extension ReportFormat: ExpressibleByArgument {}
extension ManifestFormat: ExpressibleByArgument {}

/// An `@Option(transform:)` parser from a library parser that throws a
/// reason: ArgumentParser prints `The value 'X' is invalid for '--flag': reason`,
/// so the library describes the problem and the flag is named here.
public func optionValue<T>(_ parse: @escaping @Sendable (String) throws -> T) -> @Sendable (String) throws -> T {
    { text in
        do { return try parse(text) } catch { throw ValidationError("\(error)") }
    }
}

/// An `@Option(transform:)` parser from a library parser that returns nil for
/// a bad value: ArgumentParser prints `The value 'X' is invalid for '--flag': expected`.
public func optionValue<T>(_ parse: @escaping @Sendable (String) -> T?, expected: String) -> @Sendable (String) throws -> T {
    { text in
        guard let value = parse(text) else { throw ValidationError(expected) }
        return value
    }
}
