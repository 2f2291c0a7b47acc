import CSegBuildInfo

/// What `--version` prints: the release version and the git commit the
/// binary was built from, so a result can always be traced to its code.
public enum BuildInfo {
    /// The version in the repository's VERSION file.
    public static let version = String(cString: seg_build_version())
    /// `git describe --always --dirty` of the build (set by scripts/release),
    /// else the commit HEAD named when the package manifest was read.
    public static let commit = String(cString: seg_build_commit())
    /// `0.7.0 (commit 1a2b3c4)`.
    public static let versionLine = "\(version) (commit \(commit))"
}
