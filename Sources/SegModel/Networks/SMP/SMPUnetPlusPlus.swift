/// segmentation_models.pytorch 0.6's `UnetPlusPlus`: the encoder, then smp's
/// nested dense decoder (`decoder.blocks.x_{d}_{l}`, each an
/// `SMPDecoderBlock` that doubles its input nearest-neighbour and reads every
/// earlier node of its level plus the encoder feature there), the last node
/// `x_0_{depth−1}` without skips, and a 3×3 `segmentation_head.0`. smp needs
/// sides divisible by 2^depth (up to 32); SegKit pads the input with zeros at
/// the bottom and right to that multiple and crops the output back.
final class SMPUnetPlusPlus: SMPNetwork {
    let encoder: any SMPEncoder
    /// Nodes by name, `x_{d}_{l}`.
    let nodes: [String: SMPDecoderBlock]
    let head: Conv2D
    let bilinear: Bool
    let depth: Int
    var architecture: Architecture { .smpUnetPlusPlus }
    var decoderSummary: String { "decoder channels \(decoderSettings["decoder_channels"]!)" }
    var decoderSettings: [String: String] {
        ["decoder_channels": (0..<depth).map { String(nodes["x_0_\($0)"]!.outChannels) }.joined(separator: ","),
         "decoder_attention_type": nodes.values.contains { $0.attention2 != nil } ? "scse" : "none"]
    }

    init(_ store: WeightStore, options: SMPOptions) throws {
        depth = (0...).prefix { store.has("decoder.blocks.x_0_\($0).conv1.0.weight") }.count
        guard (2...5).contains(depth) else {
            throw ModelError(path: store.file.path, "an smp UnetPlusPlus has 2 to 5 levels ('decoder.blocks.x_0_N.conv1.0.weight'); found \(depth)")
        }
        encoder = try SMPEncoders.load(store, depth: depth)
        // smp's channel bookkeeping: encoder features deepest first without the input.
        let encoderChannels = Array(encoder.featureChannels.dropFirst().reversed())
        var decoderChannels: [Int] = []
        for l in 0..<depth {
            guard let width = store.shape("decoder.blocks.x_0_\(l).conv2.0.weight")?.first else {
                throw ModelError(path: store.file.path, "missing tensor 'decoder.blocks.x_0_\(l).conv2.0.weight'")
            }
            decoderChannels.append(width)
        }
        let inChannels = [encoderChannels[0]] + decoderChannels.dropLast()
        let skipChannels = Array(encoderChannels.dropFirst()) + [0]
        var nodes: [String: SMPDecoderBlock] = [:]
        for layer in 0..<(depth - 1) {
            for d in 0...layer {
                let input = d == 0 ? inChannels[layer] : skipChannels[layer - 1]
                let skip = skipChannels[layer] * (layer + 1 - d)
                let node = try SMPDecoderBlock(store, prefix: "decoder.blocks.x_\(d)_\(layer).", inChannels: input, skipChannels: skip)
                // Inner nodes feed the level's later nodes as skips of the encoder feature's width.
                if d > 0 { try store.requireWidth(node.outChannels, skipChannels[layer], "'decoder.blocks.x_\(d)_\(layer)'") }
                nodes["x_\(d)_\(layer)"] = node
            }
        }
        nodes["x_0_\(depth - 1)"] = try SMPDecoderBlock(store, prefix: "decoder.blocks.x_0_\(depth - 1).", inChannels: inChannels[depth - 1], skipChannels: 0)
        self.nodes = nodes
        head = try Self.head(store, inChannels: decoderChannels[depth - 1], kernel: 3)
        bilinear = options.interpolation == .bilinear
    }

    func forward(_ input: FeatureMap, _ compute: Compute) throws -> FeatureMap {
        // smp refuses other sizes: zero padding at the bottom and right, the output cropped back.
        Operations.padded(input, toMultipleOf: encoder.outputStride) { run($0, compute) }
    }

    /// smp's `UnetPlusPlusDecoder.forward`, node by node.
    private func run(_ input: FeatureMap, _ compute: Compute) -> FeatureMap {
        let features = Array(encoder.features(input, compute).dropFirst().reversed())
        var dense: [String: FeatureMap] = [:]
        func node(_ name: String, _ x: FeatureMap, _ skips: [FeatureMap]) -> FeatureMap {
            nodes[name]!(x, skips: skips, height: 2 * x.height, width: 2 * x.width, bilinear: bilinear, compute)
        }
        for layer in 0..<(depth - 1) {
            for d in 0..<(depth - 1 - layer) {
                if layer == 0 {
                    dense["x_\(d)_\(d)"] = node("x_\(d)_\(d)", features[d], [features[d + 1]])
                } else {
                    let l = d + layer
                    let skips = (d + 1...l).map { dense["x_\($0)_\(l)"]! } + [features[l + 1]]
                    dense["x_\(d)_\(l)"] = node("x_\(d)_\(l)", dense["x_\(d)_\(l - 1)"]!, skips)
                }
            }
        }
        return head(node("x_0_\(depth - 1)", dense["x_0_\(depth - 2)"]!, []), compute)
    }
}
