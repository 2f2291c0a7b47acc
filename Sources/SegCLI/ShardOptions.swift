import ArgumentParser
import SegCore

/// `--shard i/N`, shared by the commands a cluster runs as N array jobs.
public struct ShardOptions: ParsableArguments {
    @Option(name: .long, help: "Process only positions i, i+N, i+2N, … of the sorted inputs (0 <= i < N), e.g. ${SLURM_ARRAY_TASK_ID}/100.")
    public var shard: String?

    public init() {}

    public func validate() throws {
        if let shard, Shard(parsing: shard) == nil { throw ValidationError("--shard takes i/N with 0 <= i < N, e.g. 0/4") }
    }

    /// The shard to process (the whole input when not given).
    public var value: Shard { shard.flatMap(Shard.init(parsing:)) ?? .whole }
}
