import ArgumentParser

/// `--jobs N`, shared by the commands that spread files over cores.
public struct ParallelOptions: ParsableArguments {
    @Option(name: .long, help: "Parallel workers (default: number of cores).")
    public var jobs: Int?

    public init() {}

    public func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    }

    /// The worker count to use, given the default.
    public func workers(default value: Int) -> Int { jobs ?? value }
}
