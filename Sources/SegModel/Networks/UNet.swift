/// milesial/Pytorch-UNet's U-Net: the current module tree (`inc.double_conv`,
/// `down1.maxpool_conv`, bias-free convolutions, mid channels in bilinear `Up`)
/// and the 2019/tutorial one (`inc.conv.conv`, `down1.mpconv`, convolutions
/// with biases). Depth and channel widths come from the tensor shapes;
/// `Up` blocks use bilinear ×2 upsampling (align_corners) or a 2×2 transposed
/// convolution, whichever the file holds, and pad to the skip's size so odd
/// input sizes work.
final class UNet: SegmentationNetwork {
    /// Two 3×3 convolution + BatchNorm + ReLU layers.
    struct DoubleConv {
        let first: Conv2D, second: Conv2D
        /// Consumes `inputs` so they are freed before the second convolution runs.
        func callAsFunction(_ inputs: consuming [FeatureMap], _ compute: Compute) -> FeatureMap {
            let mid = first(inputs, compute)
            _ = consume inputs
            return second(mid, compute)
        }
    }

    /// One decoder step: upsampling (learned or bilinear) and a DoubleConv.
    struct Up {
        let transposed: ConvTranspose2x2?
        let conv: DoubleConv
    }

    let inc: DoubleConv
    let downs: [DoubleConv]
    let ups: [Up]
    let outc: Conv2D
    let variant: String
    var architecture: Architecture { .unet }
    var inputChannels: Int { inc.first.inChannels }
    var outputChannels: Int { outc.outChannels }
    var description: String {
        "U-Net (\(variant), \(ups.first?.transposed == nil ? "bilinear" : "transposed") up, depth \(downs.count), widths "
            + ([inc.second.outChannels] + downs.map { $0.second.outChannels }).map(String.init).joined(separator: "/") + ")"
    }

    init(_ store: WeightStore) throws {
        let current = store.has("inc.double_conv.0.weight")
        variant = current ? "milesial" : "2019"
        func doubleConv(_ prefix: String, inChannels: Int?) throws -> DoubleConv {
            let p = prefix + (current ? ".double_conv" : ".conv")
            let first = try store.conv(p + ".0", inChannels: inChannels, kernel: 3, batchNorm: p + ".1", relu: true)
            let second = try store.conv(p + ".3", inChannels: first.outChannels, kernel: 3, batchNorm: p + ".4", relu: true)
            return DoubleConv(first: first, second: second)
        }
        inc = try doubleConv(current ? "inc" : "inc.conv", inChannels: nil)
        var widths = [inc.second.outChannels]
        var downs: [DoubleConv] = []
        var level = 1
        while store.has("down\(level).\(current ? "maxpool_conv" : "mpconv").1.\(current ? "double_conv" : "conv").0.weight") {
            let block = try doubleConv("down\(level).\(current ? "maxpool_conv" : "mpconv").1", inChannels: widths.last!)
            downs.append(block)
            widths.append(block.second.outChannels)
            level += 1
        }
        guard !downs.isEmpty else {
            throw ModelError(path: store.file.path, "missing tensor 'down1.\(current ? "maxpool_conv.1.double_conv" : "mpconv.1.conv").0.weight'")
        }
        var ups: [Up] = []
        var below = widths.last!
        for i in 1...downs.count {
            let skip = widths[downs.count - i]
            var transposed: ConvTranspose2x2?
            var upChannels = below
            if store.has("up\(i).up.weight") {
                let (w, shape) = try store.tensor("up\(i).up.weight", [below, nil, 2, 2])
                let bias = try store.tensor("up\(i).up.bias", [shape[1]]).values
                transposed = ConvTranspose2x2(weight: w, inChannels: below, outChannels: shape[1], bias: bias)
                upChannels = shape[1]
            }
            let conv = try doubleConv("up\(i).conv", inChannels: skip + upChannels)
            ups.append(Up(transposed: transposed, conv: conv))
            below = conv.second.outChannels
        }
        self.downs = downs
        self.ups = ups
        outc = try store.conv("outc.conv", inChannels: below, kernel: 1, bias: true, relu: false)
    }

    /// Smallest side the network accepts: every pooling must leave at least one pixel.
    var minimumSide: Int { 1 << downs.count }

    func forward(_ input: FeatureMap, _ compute: Compute) throws -> FeatureMap {
        var x = inc([input], compute)
        var skips: [FeatureMap] = []
        for down in downs {
            skips.append(x)
            x = down([Operations.maxPool(x, 2, ceilMode: false, compute)], compute)
        }
        for up in ups {
            // Explicit consumes keep only the maps still needed alive: at 512² a
            // map of 64 channels is 64 MB.
            let skip = skips.removeLast()
            let upsampled = up.transposed.map { $0(x, compute) }
                ?? Operations.resize(x, height: 2 * x.height, width: 2 * x.width, alignCorners: true, compute)
            let padded = Operations.padCentered(consume upsampled, height: skip.height, width: skip.width)
            x = up.conv([consume skip, consume padded], compute)
        }
        return outc(x, compute)
    }
}
