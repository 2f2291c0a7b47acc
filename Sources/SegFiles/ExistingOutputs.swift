#if canImport(Glibc)
import Glibc
#endif

/// Refuses a run whose outputs exist already, before anything is written,
/// so that a second run into the same folder never replaces results silently
/// (the caller lets it go ahead when the user asked for replacement).
public enum ExistingOutputs {
    /// Throws ``FileError/Kind/exists`` naming the first of `paths` that exists
    /// (a dangling symbolic link counts) and how many more do.
    public static func refuse(_ paths: [String]) throws {
        var st = stat()
        let existing = paths.filter { lstat($0, &st) == 0 }
        guard let first = existing.first else { return }
        throw FileError(.exists, path: first, existing.count == 1 ? "already exists (refusing to overwrite)"
                        : "already exists, as do \(existing.count - 1) more of the outputs (refusing to overwrite)")
    }
}
