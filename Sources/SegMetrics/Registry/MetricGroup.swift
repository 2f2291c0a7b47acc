/// A set of metrics switched on and off together: one `--metrics` value.
public struct MetricGroup: Sendable {
    /// The `--metrics` value (`iou`, `f`).
    public let token: String
    /// What it computes, for `--help` and the documentation.
    public let summary: String
    /// Whether it produces threshold curves (`--curves`, `--plot`).
    public let hasCurves: Bool
    let isOn: @Sendable (EvalConfig) -> Bool
    let set: @Sendable (inout EvalConfig, Bool) -> Void

    /// Declares a group: `isOn` reads and `set` writes its switch in the configuration.
    public init(token: String, summary: String, hasCurves: Bool = false,
                isOn: @escaping @Sendable (EvalConfig) -> Bool, set: @escaping @Sendable (inout EvalConfig, Bool) -> Void) {
        self.token = token
        self.summary = summary
        self.hasCurves = hasCurves
        self.isOn = isOn
        self.set = set
    }

    /// A group of a family with its own kernel, switched on and off in
    /// ``EvalConfig/kernelGroups`` (so the family adds no configuration field).
    public static func kernelGroup(_ token: String, summary: String) -> MetricGroup {
        MetricGroup(token: token, summary: summary, isOn: { $0.kernelGroups?.contains(token) ?? false }, set: { config, on in
            var groups = (config.kernelGroups ?? []).filter { $0 != token }
            if on { groups.append(token) }
            config.kernelGroups = groups.isEmpty ? nil : groups.sorted()
        })
    }
}
