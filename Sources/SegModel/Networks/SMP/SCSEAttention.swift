/// smp's `SCSEModule` (`decoder_attention_type="scse"`): concurrent channel
/// and spatial squeeze-and-excitation, `x · cSE(x) + x · sSE(x)`. cSE: the
/// channel means through a 1×1 convolution to C/16 channels, ReLU, a 1×1
/// convolution back to C and a sigmoid (so at least 16 channels: PyTorch
/// cannot run an empty middle either); sSE: a 1×1 convolution to one map
/// and a sigmoid.
struct SCSEAttention: Sendable {
    let channels: Int, middle: Int
    let squeeze: [Float], squeezeBias: [Float], excite: [Float], exciteBias: [Float]
    let spatial: [Float], spatialBias: Float

    /// Reads `prefix`cSE.1, cSE.3 and sSE.0 for `channels` channels.
    init(_ store: WeightStore, prefix: String, channels: Int) throws {
        self.channels = channels
        middle = channels / 16
        guard middle > 0 else {
            throw ModelError(path: store.file.path, "scSE attention '\(prefix)' over \(channels) channels: smp's needs at least 16 (its squeeze has C/16)")
        }
        squeeze = try store.tensor(prefix + "cSE.1.weight", [middle, channels, 1, 1]).values
        squeezeBias = try store.tensor(prefix + "cSE.1.bias", [middle]).values
        excite = try store.tensor(prefix + "cSE.3.weight", [channels, middle, 1, 1]).values
        exciteBias = try store.tensor(prefix + "cSE.3.bias", [channels]).values
        spatial = try store.tensor(prefix + "sSE.0.weight", [1, channels, 1, 1]).values
        spatialBias = try store.tensor(prefix + "sSE.0.bias", [1]).values[0]
    }

    /// The attended map (a new map; `x` is left as it is).
    func callAsFunction(_ x: FeatureMap) -> FeatureMap {
        precondition(x.channels == channels, "attention over \(channels) channels got \(x.channels)")
        let plane = x.height * x.width
        // cSE: per-channel means, two 1×1 layers.
        let means = Operations.channelMeans(x)
        var hidden = [Float](repeating: 0, count: middle)
        for m in 0..<middle {
            var s = squeezeBias[m]
            for c in 0..<channels { s += squeeze[m * channels + c] * means[c] }
            hidden[m] = max(s, 0)
        }
        var channelGate = [Float](repeating: 0, count: channels)
        for c in 0..<channels {
            var s = exciteBias[c]
            for m in 0..<middle { s += excite[c * middle + m] * hidden[m] }
            channelGate[c] = Operations.sigmoid(s)
        }
        // sSE: one gate per pixel.
        var pixelGate = [Float](repeating: spatialBias, count: plane)
        for c in 0..<channels {
            let p = x.channel(c), w = spatial[c]
            for i in 0..<plane { pixelGate[i] += w * p[i] }
        }
        for i in 0..<plane { pixelGate[i] = Operations.sigmoid(pixelGate[i]) }
        let out = FeatureMap(channels: channels, height: x.height, width: x.width)
        for c in 0..<channels {
            let p = x.channel(c), o = out.channel(c), g = channelGate[c]
            for i in 0..<plane { o[i] = p[i] * g + p[i] * pixelGate[i] }
        }
        return out
    }
}
