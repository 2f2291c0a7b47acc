/// torchvision's MobileNet-V2 as segmentation_models.pytorch uses it for an
/// encoder (`encoder.features.0` … `encoder.features.18`, no classifier):
/// a 3×3/2 stem, seventeen inverted residuals (1×1 expansion, depthwise 3×3,
/// 1×1 projection; ReLU6 after the first two; the input added back when the
/// block keeps stride and width) and a final 1×1 to 1280 channels. smp returns
/// the outputs of modules 1, 3, 6, 13 and 18 (strides 2 … 32). Under an output
/// stride of 8 or 16 (DeepLabV3+), modules 7–13 and 14–18 trade their stride
/// for dilation as smp's `make_dilated` does.
final class MobileNetV2Encoder: SMPEncoder {
    /// One `features.i` module: a plain convolution (stem, last) or an inverted residual.
    struct Module: Sendable {
        let expand: Conv2D?
        let depthwise: DepthwiseConv2D?
        let project: Conv2D
        let residual: Bool

        func callAsFunction(_ x: FeatureMap, _ compute: Compute) -> FeatureMap {
            var y = x
            if let expand { y = expand(y, compute) }
            if let depthwise { y = depthwise(y, compute) }
            return project(y, compute, adding: residual ? x : nil)
        }
    }

    /// Modules whose output smp returns, one per depth.
    static let outputModules = [1, 3, 6, 13, 18]
    /// Modules that halve the size (torchvision's table of strides).
    static let stridedModules: Set<Int> = [0, 2, 4, 7, 14]

    let modules: [Module]
    let featureChannels: [Int]
    let outputStride: Int
    var name: String { "mobilenet_v2" }

    init(_ store: WeightStore, prefix: String, depth: Int, outputStride: Int = 32) throws {
        let last = Self.outputModules[depth - 1]
        var modules: [Module] = []
        var channels: Int? = nil
        var features: [Int] = []
        var stride = 1
        for i in 0...last {
            let p = "\(prefix)features.\(i)."
            // Total stride at this module's output decides its dilation (smp's stages 16: 7–13, 32: 14–18).
            let stageStride = i >= 14 ? 32 : i >= 7 ? 16 : 0
            let rate = SMPEncoders.dilation(stageStride: stageStride, outputStride: outputStride)
            let step = Self.stridedModules.contains(i) && rate == 1 ? 2 : 1
            let module: Module
            if i == 0 || i == 18 {
                let kernel = i == 0 ? 3 : 1
                let conv = try store.conv(p + "0", inChannels: channels, kernel: kernel, bias: false, batchNorm: p + "1",
                                          dilation: rate, stride: step, padding: kernel / 2 * rate, relu: true, relu6: true)
                module = Module(expand: nil, depthwise: nil, project: conv, residual: false)
            } else {
                guard let first = store.shape(p + "conv.0.0.weight"), first.count == 4 else {
                    throw ModelError(path: store.file.path, "missing tensor '\(p)conv.0.0.weight' (MobileNet-V2 inverted residual \(i))")
                }
                // Expansion ratio 1 (module 1) has no 1×1 expansion: its first convolution is the depthwise one.
                let expands = first[2] == 1
                let expand = expands
                    ? try store.conv(p + "conv.0.0", inChannels: channels, kernel: 1, bias: false, batchNorm: p + "conv.0.1", relu: true, relu6: true) : nil
                let hidden = expand?.outChannels ?? channels
                let d = expands ? "conv.1" : "conv.0"
                let depthwise = try store.depthwise(p + d + ".0", channels: hidden, kernel: 3, batchNorm: p + d + ".1",
                                                    dilation: rate, stride: step, padding: rate, relu: true, relu6: true)
                let (w, n) = expands ? ("conv.2", "conv.3") : ("conv.1", "conv.2")
                let project = try store.conv(p + w, inChannels: depthwise.channels, kernel: 1, bias: false, batchNorm: p + n, relu: false)
                // torchvision decides the shortcut from the original stride, before any dilation.
                let residual = !Self.stridedModules.contains(i) && project.outChannels == channels
                module = Module(expand: expand, depthwise: depthwise, project: project, residual: residual)
            }
            if i == 0 { features.append(module.project.inChannels) }
            channels = module.project.outChannels
            if Self.outputModules.contains(i) { features.append(channels!) }
            if Self.stridedModules.contains(i) { stride *= 2 }
            modules.append(module)
        }
        for i in (last + 1)..<19 { store.ignore(prefix: "\(prefix)features.\(i).") }
        self.modules = modules
        featureChannels = features
        self.outputStride = min(stride, outputStride)
    }

    /// The full-depth feature channels from the tensor shapes alone.
    static func featureChannels(_ store: WeightStore, prefix: String) throws -> [Int] {
        guard let stem = store.shape(prefix + "features.0.0.weight"), stem.count == 4 else {
            throw ModelError(path: store.file.path, "'\(prefix)features.0.0.weight' is not a convolution weight")
        }
        var channels = [stem[1]]
        for i in outputModules {
            let p = "\(prefix)features.\(i)."
            guard let out = (store.shape(p + "0.weight") ?? store.shape(p + "conv.3.weight") ?? store.shape(p + "conv.2.weight"))?.first else { break }
            channels.append(out)
        }
        return channels
    }

    /// smp's features: the input, then modules 1, 3, 6, 13, 18's outputs up to the depth.
    func features(_ input: FeatureMap, _ compute: Compute, keeping: (Int, FeatureMap) -> FeatureMap?) -> [FeatureMap?] {
        var out: [FeatureMap?] = [keeping(0, input)]
        var x = input
        for (i, module) in modules.enumerated() {
            x = module(x, compute)
            if Self.outputModules.contains(i) { out.append(keeping(out.count, x)) }
        }
        return out
    }
}
