/// Named access to a state_dict's tensors with shape checks. Records which
/// tensors a model used, so unexpected extra tensors (a different architecture,
/// a typo in an export) are reported instead of silently ignored.
final class WeightStore {
    let file: SafeTensors
    /// Prefix every key carries (`module.` from `nn.DataParallel`), stripped.
    private let prefix: String
    private var used: Set<String> = []

    init(_ file: SafeTensors) {
        self.file = file
        let names = file.entries.keys
        prefix = !names.isEmpty && names.allSatisfy({ $0.hasPrefix("module.") }) ? "module." : ""
    }

    /// Whether tensor `name` exists.
    func has(_ name: String) -> Bool { file.entries[prefix + name] != nil }

    /// Shape of tensor `name`, if present.
    func shape(_ name: String) -> [Int]? { file.entries[prefix + name]?.shape }

    /// Fails naming `what` when a width read from one tensor does not match the
    /// width another layer reads or adds to (a file that would otherwise load
    /// and then fail mid-prediction).
    func requireWidth(_ found: Int, _ expected: Int, _ what: String) throws {
        guard found == expected else {
            throw ModelError(path: file.path, "\(what) has \(found) channels where \(expected) are needed")
        }
    }

    /// Tensor `name` as floats; `expected` gives the shape, `nil` entries match
    /// any size. Returns the values and the actual shape.
    func tensor(_ name: String, _ expected: [Int?]) throws -> (values: [Float], shape: [Int]) {
        func text(_ dims: [Int?]) -> String { "[" + dims.map { $0.map(String.init) ?? "?" }.joined(separator: ", ") + "]" }
        guard let entry = file.entries[prefix + name] else {
            throw ModelError(path: file.path, "missing tensor '\(name)' (expected shape \(text(expected)))")
        }
        let fits = entry.shape.count == expected.count && zip(entry.shape, expected).allSatisfy { $1 == nil || $0 == $1 }
        guard fits else {
            throw ModelError(path: file.path, "tensor '\(name)' has shape \(text(entry.shape)), expected \(text(expected))")
        }
        guard !entry.shape.contains(0) else {
            throw ModelError(path: file.path, "tensor '\(name)' has shape \(text(entry.shape)): an empty layer")
        }
        used.insert(prefix + name)
        return (try file.floats(prefix + name), entry.shape)
    }

    /// A convolution `name`.weight [out, in, k, k] (+ `name`.bias when present or
    /// required), optionally followed by BatchNorm `bn`. `inChannels` is checked
    /// when given; the output width is read from the file.
    func conv(_ name: String, inChannels: Int?, kernel: Int, bias: Bool? = nil, batchNorm bn: String? = nil,
              dilation: Int = 1, stride: Int = 1, padding: Int? = nil, relu: Bool, relu6: Bool = false) throws -> Conv2D {
        let (w, shape) = try tensor(name + ".weight", [nil, inChannels, kernel, kernel])
        let out = shape[0]
        var b: [Float]?
        if bias == true || (bias == nil && has(name + ".bias")) { b = try tensor(name + ".bias", [out]).values }
        let norm = try bn.map { try batchNorm($0, channels: out) }
        return Conv2D(weight: w, outChannels: out, inChannels: shape[1], kernel: kernel, bias: b, batchNorm: norm,
                      dilation: dilation, stride: stride, padding: padding, relu: relu, relu6: relu6)
    }

    /// A depthwise convolution `name`.weight [C, 1, k, k] (`C` checked when
    /// given), optionally followed by BatchNorm `bn`.
    func depthwise(_ name: String, channels: Int?, kernel: Int, bias: Bool = false, batchNorm bn: String? = nil,
                   dilation: Int = 1, stride: Int = 1, padding: Int? = nil, relu: Bool, relu6: Bool = false) throws -> DepthwiseConv2D {
        let (w, shape) = try tensor(name + ".weight", [channels, 1, kernel, kernel])
        let b = bias ? try tensor(name + ".bias", [shape[0]]).values : nil
        return DepthwiseConv2D(weight: w, channels: shape[0], kernel: kernel, bias: b, batchNorm: try bn.map { try batchNorm($0, channels: shape[0]) },
                               dilation: dilation, stride: stride, padding: padding, relu: relu, relu6: relu6)
    }

    /// GroupNorm `name` (weight and bias) over `channels` channels in `groups` groups.
    func groupNorm(_ name: String, groups: Int, channels: Int) throws -> GroupNorm {
        guard channels % groups == 0 else {
            throw ModelError(path: file.path, "'\(name)' normalises \(channels) channels in \(groups) groups: not a whole number per group")
        }
        return GroupNorm(groups: groups, weight: try tensor(name + ".weight", [channels]).values, bias: try tensor(name + ".bias", [channels]).values)
    }

    /// BatchNorm2d parameters and running statistics; `num_batches_tracked` is
    /// accepted and ignored.
    func batchNorm(_ name: String, channels: Int) throws -> BatchNorm {
        if has(name + ".num_batches_tracked") { used.insert(prefix + name + ".num_batches_tracked") }
        return BatchNorm(weight: try tensor(name + ".weight", [channels]).values,
                         bias: try tensor(name + ".bias", [channels]).values,
                         mean: try tensor(name + ".running_mean", [channels]).values,
                         variance: try tensor(name + ".running_var", [channels]).values)
    }

    /// Marks every tensor under `prefix` as used: parts of a file the network
    /// does not run (an smp encoder's stages beyond its depth).
    func ignore(prefix name: String) {
        for key in file.entries.keys where key.hasPrefix(prefix + name) { used.insert(key) }
    }

    /// Fails on tensors no layer used, naming the first few.
    func checkAllUsed(architecture: String) throws {
        let extra = file.entries.keys.filter { !used.contains($0) }.sorted()
        guard !extra.isEmpty else { return }
        let shown = extra.prefix(3).map { "'\($0)' \(file.entries[$0]!.shape)" }.joined(separator: ", ")
        throw ModelError(path: file.path, "unexpected tensor\(extra.count > 1 ? "s" : "") for \(architecture): \(shown)"
                         + (extra.count > 3 ? " and \(extra.count - 3) more" : ""))
    }
}
