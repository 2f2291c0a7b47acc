import Synchronization

/// The text of a library error or warning, which may refer to ``Setting``s
/// instead of spelling command-line flags. Written like a string literal,
/// with settings interpolated as `\(setting: .ratio)`:
///
///     PrepError("\(setting: .ratio) asks for \(n) units")
///
/// `description` spells settings with ``Message/spelling``: the library's
/// terms (`` `ratio` ``) unless a front end has installed its own (SegCLI
/// installs `--ratio` before any work starts), so every path that turns an
/// error into text (a report row, a keep-going log line, a warning) spells a
/// setting the same way. ``rendered(_:)`` spells with an explicit rule.
public struct Message: Sendable, Equatable, CustomStringConvertible, ExpressibleByStringInterpolation {
    /// A run of text followed by at most one setting reference.
    struct Piece: Sendable, Equatable {
        var text: String
        var setting: Setting?
    }
    var pieces: [Piece]

    /// A message of plain text.
    public init(_ text: String) { pieces = [Piece(text: text, setting: nil)] }

    public init(stringLiteral value: String) { self.init(value) }

    public init(stringInterpolation: StringInterpolation) { pieces = stringInterpolation.pieces }

    /// The text with every setting spelled by `spell`.
    public func rendered(_ spell: (Setting) -> String) -> String {
        var out = ""
        for piece in pieces {
            out += piece.text
            if let setting = piece.setting { out += spell(setting) }
        }
        return out
    }

    /// The text with settings spelled by the installed ``spelling``.
    public var description: String { rendered(Self.spelling) }

    /// Settings in the library's terms: `` `ratio` ``, and the `` `remap` `` step.
    public static let librarySpelling: @Sendable (Setting) -> String = { setting in
        setting.name.isEmpty ? "the `\(setting.step ?? "")` step" : "`\(setting.name)`"
    }

    private static let installedSpelling = Mutex<@Sendable (Setting) -> String>(librarySpelling)

    /// How ``description`` spells settings: the library's terms by default; a
    /// front end installs its own once, before any work starts.
    public static var spelling: @Sendable (Setting) -> String {
        get { installedSpelling.withLock { $0 } }
        set { installedSpelling.withLock { $0 = newValue } }
    }

    /// The settings the message refers to, in order.
    public var settings: [Setting] { pieces.compactMap(\.setting) }

    /// This message followed by `other`.
    public static func + (lhs: Message, rhs: Message) -> Message {
        Message(pieces: lhs.pieces + rhs.pieces)
    }

    private init(pieces: [Piece]) { self.pieces = pieces }

    /// Builds a ``Message`` from a string literal with interpolations.
    public struct StringInterpolation: StringInterpolationProtocol {
        var pieces: [Piece] = [Piece(text: "", setting: nil)]

        public init(literalCapacity: Int, interpolationCount: Int) {}

        public mutating func appendLiteral(_ literal: String) { pieces[pieces.count - 1].text += literal }

        /// Any value, as string interpolation writes it.
        public mutating func appendInterpolation<T>(_ value: T) { appendLiteral(String(describing: value)) }

        /// A reference to a setting, spelled by whoever renders the message.
        public mutating func appendInterpolation(setting: Setting) {
            pieces[pieces.count - 1].setting = setting
            pieces.append(Piece(text: "", setting: nil))
        }

        /// Another message, its setting references kept.
        public mutating func appendInterpolation(_ message: Message) {
            for piece in message.pieces {
                appendLiteral(piece.text)
                if let setting = piece.setting { appendInterpolation(setting: setting) }
            }
        }
    }
}
