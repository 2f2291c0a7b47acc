import ArgumentParser
import SegCore

/// `--shard i/N`, shared by the commands a cluster runs as N array jobs.
public struct ShardOptions: ParsableArguments {
    @Option(name: .long, help: "Process only positions i, i+N, i+2N, … of the sorted inputs (0 <= i < N), e.g. ${SLURM_ARRAY_TASK_ID}/100.",
            transform: optionValue(Shard.init(parsing:), expected: "i/N with 0 <= i < N, e.g. 0/4"))
    public var shard: Shard?

    public init() {}

    /// The shard to process (the whole input when not given).
    public var value: Shard { shard ?? .whole }
}
