import SegCore

/// Every failure of loading or running a model: one line naming the file and the
/// problem, as the command-line tools print it.
public struct ModelError: CategorizedError, Sendable, Equatable {
    /// Where the problem lies (a weights file, an input image), or "" when none applies.
    public let path: String
    /// What went wrong, in words a user can act on; its settings are spelled when it is printed.
    public let message: Message

    /// A bad weights file or input (`badInput`), or settings that contradict
    /// the model (`usage`).
    public let category: FailureCategory

    public init(path: String = "", _ message: Message, category: FailureCategory = .badInput) {
        self.path = path
        self.message = message
        self.category = category
    }

    public init(path: String = "", _ message: String, category: FailureCategory = .badInput) {
        self.init(path: path, Message(message), category: category)
    }

    public var description: String { path.isEmpty ? message.description : "\(path): \(message)" }

    /// The same problem attributed to a file.
    func at(_ path: String) -> ModelError { self.path.isEmpty ? ModelError(path: path, message, category: category) : self }
}
