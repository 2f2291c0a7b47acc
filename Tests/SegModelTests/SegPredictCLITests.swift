import Foundation
import SegCore
import SegImage
import SegTestSupport
import XCTest

@testable import SegModel

// Runs the built executables: left out of the unit-test build (SEGKIT_UNIT_TESTS=1, docs/testing.md).
#if !SEGKIT_UNIT_TESTS
/// Runs the built `segpredict` binary as a user or a CI pipeline would.
final class SegPredictCLITests: XCTestCase {
    static let models = Repo.fixtures + "/models/agreement/"

    @discardableResult
    func segpredict(_ arguments: [String], stdin: String? = nil) throws -> ToolRun { try runTool("segpredict", arguments, stdin: stdin) }

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: toolPath("segpredict")) else { throw XCTSkip("segpredict not built") }
    }

    /// A folder holding copies of `files` (name → source path).
    func folder(_ files: [String: String]) throws -> String {
        let dir = try makeTemporaryDirectory(self)
        for (name, source) in files { try FileManager.default.copyItem(atPath: source, toPath: dir + "/" + name) }
        return dir
    }

    /// smp's save_pretrained folder: config.json gives the encoder's ImageNet
    /// normalisation (3 channels) and is checked against the tensors; the
    /// probabilities written equal the network's on the normalised image.
    /// An unsupported architecture or a config that contradicts the weights
    /// is a one-line error (exit 1).
    func testSMPSavePretrainedFolder() throws {
        let dir = try makeTemporaryDirectory(self)
        let model = Repo.fixtures + "/models/smp/unet-resnet50-d2-scse"
        var generator = SeededGenerator(seed: 5)
        let rgb = (0..<(40 * 56 * 3)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for sub in ["in", "odd"] { try FileManager.default.createDirectory(atPath: dir + "/" + sub, withIntermediateDirectories: true) }
        try ImageWriter.write(Image(width: 56, height: 40, colorModel: .rgb, samples: .uint8(rgb)), to: dir + "/in/a.png", as: .png(level: 3, filtered: true))
        let run = try segpredict(["--weights", model, "--input", dir + "/in", "--out", dir + "/out", "--format", "tiff32"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("smp Unet") && run.stderr.contains("mean 0.485,0.456,0.406 std 0.229,0.224,0.225"), run.stderr)
        let written = try FloatTIFF.read(dir + "/out/a.tif")
        // The same computation through the library: ImageNet normalisation, the network, a sigmoid.
        let loaded = try LoadedModel(path: model)
        let mean: [Float] = [0.485, 0.456, 0.406], std: [Float] = [0.229, 0.224, 0.225]
        var planes = [Float](repeating: 0, count: rgb.count)
        for c in 0..<3 { for i in 0..<(40 * 56) { planes[c * 40 * 56 + i] = (Float(rgb[3 * i + c]) / 255 - mean[c]) / std[c] } }
        let logits = try loaded.network.forward(FeatureMap(channels: 3, height: 40, width: 56, values: planes), try Compute(workers: 1)).values
        let got = try XCTUnwrap(written.first?.values)
        XCTAssertEqual(got.count, logits.count)
        for (p, z) in zip(got, logits) { XCTAssertEqual(p, 1 / (1 + exp(-z)), accuracy: 1e-5) }

        // smp's Unet runs any size (each block upsamples to its skip's size): so does segpredict.
        try ImageWriter.write(Image(width: 57, height: 39, colorModel: .rgb, samples: .uint8(Array(repeating: 9, count: 57 * 39 * 3))),
                              to: dir + "/odd/b.png", as: .png(level: 3, filtered: true))
        let odd = try segpredict(["--weights", model, "--input", dir + "/odd/b.png", "--out", dir + "/odd-out"])
        XCTAssertEqual(odd.status, 0, odd.stderr)
        let mask = try ImageReader.read(dir + "/odd-out/b.png")
        XCTAssertEqual([mask.width, mask.height], [57, 39])

        let bad = try makeTemporaryDirectory(self)
        try FileManager.default.copyItem(atPath: model + "/model.safetensors", toPath: bad + "/model.safetensors")
        let config = try String(contentsOfFile: model + "/config.json", encoding: .utf8)
        for (edit, message) in [(config.replacingOccurrences(of: "\"Unet\"", with: "\"PSPNet\""), "smp PSPNet is not supported"),
                                (config.replacingOccurrences(of: "\"Unet\"", with: "\"FPN\""), "describes an smp FPN but the weights are smp Unet"),
                                (config.replacingOccurrences(of: "\"resnet50\"", with: "\"resnet34\""), "encoder 'resnet34' at depth 2 does not match"),
                                (config.replacingOccurrences(of: "\"scse\"", with: "null"), "decoder_attention_type none does not match the weights (scse)"),
                                (config.replacingOccurrences(of: "\"classes\": 1", with: "\"classes\": 4"), "do not match the weights")] {
            try edit.write(toFile: bad + "/config.json", atomically: true, encoding: .utf8)
            let refused = try segpredict(["--weights", bad, "--input", dir + "/in", "--out", dir + "/bad", "--force"])
            XCTAssertEqual(refused.status, 1, refused.stderr)
            XCTAssertTrue(refused.stderr.contains(message) && refused.stderr.contains("config.json"), refused.stderr)
        }
    }

    /// A plain state_dict whose metadata names the architecture and smp's
    /// settings (DeepLabV3+ at output stride 8, sigmoid) runs at a size smp
    /// refuses: padded to the output stride and cropped back, the
    /// probabilities equal the library's. The wrong `--arch` names what is
    /// missing; an FPN whose `upsampling` does not undo its stride is refused
    /// naming the image and both sizes.
    func testSMPPlainStateDictAndPaddedSizes() throws {
        let dir = try makeTemporaryDirectory(self)
        let weights = Repo.fixtures + "/models/smp/deeplabv3plus-resnet10tiny-d4-os8-plain/model.safetensors"
        var generator = SeededGenerator(seed: 9)
        let grey = (0..<(45 * 70)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try ImageWriter.write(Image(width: 70, height: 45, colorModel: .gray, samples: .uint8(grey)), to: dir + "/a.png", as: .png(level: 3, filtered: true))
        let run = try segpredict(["--weights", weights, "--input", dir + "/a.png", "--out", dir + "/out", "--format", "tiff32"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("smp DeepLabV3Plus") && run.stderr.contains("output stride 8"), run.stderr)
        let written = try XCTUnwrap(try FloatTIFF.read(dir + "/out/a.tif").first)
        XCTAssertEqual([written.width, written.height], [70, 45])
        let loaded = try LoadedModel(path: weights)
        let logits = try loaded.network.forward(FeatureMap(channels: 1, height: 45, width: 70, values: grey.map { Float($0) / 255 }),
                                                try Compute(workers: 1)).values
        for (p, z) in zip(written.values, logits) { XCTAssertEqual(p, 1 / (1 + exp(-z)), accuracy: 1e-5) }

        let wrong = try segpredict(["--weights", weights, "--arch", "smp-fpn", "--input", dir + "/a.png", "--out", dir + "/wrong"])
        XCTAssertEqual(wrong.status, 1, wrong.stderr)
        XCTAssertTrue(wrong.stderr.contains("decoder.p5.weight"), wrong.stderr)

        let fpn = try makeTemporaryDirectory(self)
        let source = Repo.fixtures + "/models/smp/fpn-mobilenet_v2-d4-cat"
        try FileManager.default.copyItem(atPath: source + "/model.safetensors", toPath: fpn + "/model.safetensors")
        let config = try String(contentsOfFile: source + "/config.json", encoding: .utf8)
        try config.replacingOccurrences(of: "\"upsampling\": 2", with: "\"upsampling\": 4").write(toFile: fpn + "/config.json", atomically: true, encoding: .utf8)
        let rgb = [UInt8](repeating: 100, count: 64 * 64 * 3)
        try ImageWriter.write(Image(width: 64, height: 64, colorModel: .rgb, samples: .uint8(rgb)), to: dir + "/rgb.png", as: .png(level: 3, filtered: true))
        let refused = try segpredict(["--weights", fpn, "--input", dir + "/rgb.png", "--out", dir + "/fpn"])
        XCTAssertEqual(refused.status, 1, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("rgb.png") && refused.stderr.contains("outputs 128x128 for an input padded to 64x64"), refused.stderr)
    }

    /// smp models go through the rest of segpredict unchanged: sliding
    /// windows whose tiles are not multiples of the output stride (each tile
    /// padded and cropped), flip TTA and softmax probabilities equal to the
    /// library's Predictor; masks identical whatever the threads and batch
    /// lanes; two shards write exactly the full run's files.
    func testSMPModelsWithTilesTTALanesAndShards() throws {
        let model = Repo.fixtures + "/models/smp/fpn-mobilenet_v2-d4-cat"
        var generator = SeededGenerator(seed: 12)
        let input = try makeTemporaryDirectory(self)
        var images: [String: Image] = [:]
        for name in ["a", "b", "c"] {
            let rgb = (0..<(70 * 90 * 3)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            images[name] = Image(width: 90, height: 70, colorModel: .rgb, samples: .uint8(rgb))
            try ImageWriter.write(images[name]!, to: "\(input)/\(name).png", as: .png(level: 3, filtered: true))
        }
        let probabilities = try makeTemporaryDirectory(self)
        let r = try segpredict(["--weights", model, "--input", input, "--out", probabilities, "--format", "tiff32",
                                "--tile", "40", "--overlap", "0.25", "--tta", "flip"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let loaded = try LoadedModel(path: model)
        let predictor = Predictor(model: loaded, settings: try ResolvedPreprocessing(loaded.preprocessing(), network: loaded.network),
                                  tile: 40, overlap: 0.25, flipTTA: true, compute: try Compute(workers: 2))
        let want = try predictor.probabilities(images["a"]!)
        let pages = try FloatTIFF.read(probabilities + "/a.tif")
        XCTAssertEqual(pages.count, 2)
        for (c, page) in pages.enumerated() {
            XCTAssertEqual([page.width, page.height], [90, 70])
            for (i, v) in page.values.enumerated() { XCTAssertEqual(v, want.channel(c)[i], accuracy: 1e-6) }
        }

        var runs: [String] = []
        for settings in [["--threads", "1"], ["--threads", "2", "--batch", "2"], ["--shard", "0/2"], ["--shard", "1/2"]] {
            let out = settings.first == "--shard" && runs.count == 3 ? runs[2] : try makeTemporaryDirectory(self)
            let run = try segpredict(["--weights", model, "--input", input, "--out", out, "--mask"] + settings)
            XCTAssertEqual(run.status, 0, run.stderr)
            runs.append(out)
        }
        for name in ["a.png", "b.png", "c.png"] {
            let one = try Data(contentsOf: URL(fileURLWithPath: runs[0] + "/" + name))
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: runs[1] + "/" + name)), one, name)
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: runs[2] + "/" + name)), one, "shards: " + name)
        }
    }

    /// A second run into a folder that holds its maps refuses before writing
    /// anything (exit 2); --force replaces them; --threads is the old --jobs.
    func testExistingOutputsNeedForceAndThreadsIsAnAliasOfJobs() throws {
        let out = try makeTemporaryDirectory(self)
        let base = ["--weights", Repo.fixtures + "/models/cells-unet.safetensors", "--input", Repo.fixtures + "/cells/image/0.png",
                    "--out", out, "--quiet"]
        XCTAssertEqual(try segpredict(base + ["--jobs", "1"]).status, 0)
        let again = try segpredict(base)
        XCTAssertEqual(again.status, 2)
        XCTAssertTrue(again.stderr.contains("0.png: already exists (refusing to overwrite); pass --force to replace"), again.stderr)
        XCTAssertTrue(again.stdout.isEmpty)
        XCTAssertEqual(try segpredict(base + ["--force", "--threads", "1"]).status, 0)
        XCTAssertEqual(try segpredict(base + ["--force", "--threads", "1", "--jobs", "1"]).status, 64)
    }

    func testPipelineMatchesPyTorchThroughFiles() throws {
        let input = try folder(["scene.png": Self.models + "pipeline-input.png"])
        let out = try makeTemporaryDirectory(self)
        let expected = try SafeTensors(contentsOf: Self.models + "pipeline-expected.safetensors")
        // 8-bit maps: PyTorch's probability × 255 rounded, within one level (two pixels sit on a rounding boundary).
        var r = try segpredict(["--weights", Self.models + "pipeline-u2net.safetensors", "--input", input, "--out", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, out + "/scene.png\n", "stdout lists the written maps")
        XCTAssertTrue(r.stderr.contains("U²-Net"), r.stderr)
        let png = try ImageReader.read(out + "/scene.png")
        let prob8 = Array(try XCTUnwrap(expected.rawBytes("prob8")))
        guard case .uint8(let pixels) = png.samples else { return XCTFail("not 8-bit") }
        XCTAssertEqual(pixels.count, prob8.count)
        XCTAssertLessThanOrEqual(zip(pixels, prob8).map { abs(Int($0) - Int($1)) }.max()!, 1)
        // Float TIFF: the probabilities themselves.
        r = try segpredict(["--weights", Self.models + "pipeline-u2net.safetensors", "--input", input, "--out", out, "--format", "tiff32"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let page = try FloatTIFF.read(out + "/scene.tif")[0]
        let prob = try expected.floats("prob")
        XCTAssertLessThanOrEqual(zip(page.values, prob).map { abs($0 - $1) }.max()!, 1e-4)
    }

    func testFlagsOverrideMetadata() throws {
        let input = try folder(["scene.png": Self.models + "pipeline-input.png"])
        let out = try makeTemporaryDirectory(self)
        // Without the file's resize the network sees 45×37 instead of 64×64: a different map.
        let r = try segpredict(["--weights", Self.models + "pipeline-u2net.safetensors", "--input", input, "--out", out,
                                "--format", "tiff32", "--resize", "37", "--mean", "0.5", "--std", "0.25"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("mean 0.5,0.5,0.5 std 0.25,0.25,0.25, resize 37"), r.stderr)
        let prob = try SafeTensors(contentsOf: Self.models + "pipeline-expected.safetensors").floats("prob")
        XCTAssertGreaterThan(zip(try FloatTIFF.read(out + "/scene.tif")[0].values, prob).map { abs($0 - $1) }.max()!, 0.01)
    }

    func testMasksAreThresholdedProbabilities() throws {
        let input = try folder(["a.png": Repo.fixtures + "/cells/image/0.png", "b.png": Repo.fixtures + "/cells/image/1.png"])
        let probs = try makeTemporaryDirectory(self), masks = try makeTemporaryDirectory(self)
        let weights = Self.models + "unet-bilinear.safetensors"
        XCTAssertEqual(try segpredict(["--weights", weights, "--input", input, "--out", probs, "--format", "tiff32"]).status, 0)
        let r = try segpredict(["--weights", weights, "--input", input, "--out", masks, "--mask", "--mask-values", "0,1", "--threshold", "0.4"])
        XCTAssertEqual(r.status, 0, r.stderr)
        for name in ["a", "b"] {
            let p = try FloatTIFF.read("\(probs)/\(name).tif")[0].values
            guard case .uint8(let m) = try ImageReader.read("\(masks)/\(name).png").samples else { return XCTFail() }
            XCTAssertEqual(m, p.map { $0 >= 0.4 ? 1 : 0 })
            XCTAssertTrue(m.contains(0) && m.contains(1), "both classes present")
        }
    }

    func testMultiClassModelNeedsMaskOrFloatOutput() throws {
        let input = try folder(["a.png": Repo.fixtures + "/cells/image/0.png"])
        let out = try makeTemporaryDirectory(self)
        let weights = Self.models + "unet-transposed.safetensors"  // 3 channels in, 3 classes out
        var r = try segpredict(["--weights", weights, "--input", input, "--out", out, "--convert"])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.contains("3 output classes: use --mask"), r.stderr)
        r = try segpredict(["--weights", weights, "--input", input, "--out", out, "--convert", "--format", "tiff32"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let pages = try FloatTIFF.read(out + "/a.tif")
        XCTAssertEqual(pages.count, 3)
        for i in stride(from: 0, to: pages[0].values.count, by: 97) {
            XCTAssertEqual(pages[0].values[i] + pages[1].values[i] + pages[2].values[i], 1, accuracy: 1e-5, "softmax sums to 1")
        }
        r = try segpredict(["--weights", weights, "--input", input, "--out", out, "--convert", "--mask"])
        XCTAssertEqual(r.status, 0, r.stderr)
        guard case .uint8(let m) = try ImageReader.read(out + "/a.png").samples else { return XCTFail() }
        for i in stride(from: 0, to: m.count, by: 97) {
            let v = pages.map { $0.values[i] }
            XCTAssertEqual(Int(m[i]), v.firstIndex(of: v.max()!)!, "argmax class index")
        }
    }

    func testWrongChannelCountIsAPerFileErrorAndKeepGoingContinues() throws {
        let input = try folder(["grey.png": Repo.fixtures + "/cells/image/0.png", "rgb.jpg": Repo.fixtures + "/codecs/jpeg-rgb.jpg"])
        let out = try makeTemporaryDirectory(self) + "/maps"
        let weights = Self.models + "unet-transposed.safetensors"
        var r = try segpredict(["--weights", weights, "--input", input, "--out", out, "--format", "tiff32"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("grey.png: image has 1 channel, the model reads 3 (--convert converts grey and RGB)"), r.stderr)
        r = try segpredict(["--weights", weights, "--input", input, "--out", out, "--format", "tiff32", "--keep-going"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/rgb.tif"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/grey.tif"))
        XCTAssertTrue(r.stderr.contains("1 of 2 images") && r.stderr.contains("1 failed"), r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out), ["rgb.tif"], "no temporary leftovers")
    }

    func testCorruptInputsAndWeights() throws {
        let input = try folder(["ok.png": Repo.fixtures + "/cells/image/0.png", "bad.png": Repo.fixtures + "/awkward/truncated.png"])
        let out = try makeTemporaryDirectory(self)
        var r = try segpredict(["--weights", Self.models + "unet-bilinear.safetensors", "--input", input, "--out", out, "--keep-going"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("bad.png:"), r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out), ["ok.png"])
        // A weights file that is an image: one line, exit 1.
        r = try segpredict(["--weights", Repo.fixtures + "/cells/image/0.png", "--input", input, "--out", out])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("0.png: not a valid safetensors file"), r.stderr)
        r = try segpredict(["--weights", "/nonexistent.safetensors", "--input", input, "--out", out])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("/nonexistent.safetensors: cannot open"), r.stderr)
    }

    func testInputsAreNeverOverwritten() throws {
        let input = try folder(["a.png": Repo.fixtures + "/cells/image/0.png"])
        let before = try Data(contentsOf: URL(fileURLWithPath: input + "/a.png"))
        let r = try segpredict(["--weights", Self.models + "unet-bilinear.safetensors", "--input", input, "--out", input])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("is an input image; choose another --out folder"), r.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: input + "/a.png")), before)
    }

    func testNameCollisionsAreRefused() throws {
        let input = try folder(["a.png": Repo.fixtures + "/cells/image/0.png", "a.jpg": Repo.fixtures + "/awkward/image.jpg"])
        let r = try segpredict(["--weights", Self.models + "unet-bilinear.safetensors", "--input", input, "--out", try makeTemporaryDirectory(self)])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("would both be written to"), r.stderr)
    }

    func testStdinListManifestAndTiling() throws {
        let out = try makeTemporaryDirectory(self)
        let list = Repo.fixtures + "/cells/image/3.png\n" + Repo.fixtures + "/cells/image/4.png\n"
        var r = try segpredict(["--weights", Self.models + "unet-bilinear.safetensors", "--input", "-", "--out", out,
                                "--tile", "96", "--overlap", "0.5", "--tta", "flip"], stdin: list)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: out)), ["3.png", "4.png"])
        XCTAssertEqual(try ImageReader.read(out + "/3.png").width, 256)
        let manifest = try makeTemporaryDirectory(self) + "/test.txt"
        try "\(Repo.fixtures)/cells/image/5.png\t\(Repo.fixtures)/cells/label/5.png\n".write(toFile: manifest, atomically: true, encoding: .utf8)
        r = try segpredict(["--weights", Self.models + "unet-bilinear.safetensors", "--input", manifest, "--out", out, "--batch", "2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/5.png"))
    }

    func testThreadsAndBatchDoNotChangeTheBytes() throws {
        let input = try folder(["a.png": Repo.fixtures + "/cells/image/6.png", "b.png": Repo.fixtures + "/cells/image/7.png",
                                "c.png": Repo.fixtures + "/cells/image/8.png"])
        let w = Self.models + "unet-bilinear.safetensors"
        var folders: [String] = []
        for settings in [["--threads", "1"], ["--threads", "2"], ["--threads", "3", "--batch", "2"]] {
            folders.append(try makeTemporaryDirectory(self))
            let r = try segpredict(["--weights", w, "--input", input, "--out", folders.last!, "--format", "tiff32"] + settings)
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        for name in ["a.tif", "b.tif", "c.tif"] {
            let reference = try Data(contentsOf: URL(fileURLWithPath: folders[0] + "/" + name))
            for folder in folders.dropFirst() { XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name)), reference, name) }
        }
    }

    func testUsageErrorsExit64() throws {
        let w = Self.models + "unet-bilinear.safetensors"
        for bad in [["--tta", "rot90"], ["--mask-values", "0,255"], ["--threshold", "2"], ["--format", "jpeg"], ["--arch", "resnet"],
                    ["--overlap", "1"], ["--mask", "--mask-values", "0,1,2"]] {
            let r = try segpredict(["--weights", w, "--input", Repo.fixtures + "/cells/image", "--out", try makeTemporaryDirectory(self)] + bad)
            XCTAssertEqual(r.status, 64, "\(bad): \(r.stderr)")
        }
    }
}
#endif
