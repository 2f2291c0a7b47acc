/// An error that says which ``FailureCategory`` it belongs to and describes
/// the problem in one line naming the file, in the library's own terms (the
/// command-line layer spells the settings it names, see ``Message``, and maps
/// the category to an exit code).
public protocol CategorizedError: Error, CustomStringConvertible {
    /// What kind of failure this is.
    var category: FailureCategory { get }
}
