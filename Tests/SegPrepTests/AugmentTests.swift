import Foundation
import SegFiles
import XCTest
import SegCore
@testable import SegImage
@testable import SegPrep

final class GeometryTests: XCTestCase {
    // [[1, 2, 3], [4, 5, 6]]: 3 wide, 2 tall.
    private let small = Image.gray8(width: 3, height: 2, pixels: [1, 2, 3, 4, 5, 6])

    private func rows(_ image: Image) -> [[Int]] {
        let s = image.intSamples
        return (0..<image.height).map { y in Array(s[(y * image.width)..<((y + 1) * image.width)]) }
    }

    func testFlipsMatchCv2FlipCodes() {
        XCTAssertEqual(rows(small.flipped(.h)), [[3, 2, 1], [6, 5, 4]])  // cv2.flip(a, 1)
        XCTAssertEqual(rows(small.flipped(.v)), [[4, 5, 6], [1, 2, 3]])  // cv2.flip(a, 0)
        XCTAssertEqual(rows(small.flipped(.hv)), [[6, 5, 4], [3, 2, 1]]) // cv2.flip(a, -1)
        let rgb = Image(width: 2, height: 1, colorModel: .rgb, samples: .uint8([1, 2, 3, 4, 5, 6]))
        XCTAssertEqual(rgb.flipped(.h).intSamples, [4, 5, 6, 1, 2, 3])
        let deep = Image(width: 3, height: 1, colorModel: .gray, samples: .uint16([1000, 2000, 65535]))
        XCTAssertEqual(deep.flipped(.h).samples, .uint16([65535, 2000, 1000]))
    }

    func testTheEightDihedralVariants() {
        let expected: [[[Int]]] = [
            [[1, 2, 3], [4, 5, 6]],              // 0: identity
            [[4, 1], [5, 2], [6, 3]],            // 1: 90° clockwise
            [[6, 5, 4], [3, 2, 1]],              // 2: 180°
            [[3, 6], [2, 5], [1, 4]],            // 3: 270° clockwise
            [[1, 4], [2, 5], [3, 6]],            // 4: transpose
            [[3, 2, 1], [6, 5, 4]],              // 5: transpose, then 90° (= left-right mirror)
            [[6, 3], [5, 2], [4, 1]],            // 6: transpose, then 180° (anti-transpose)
            [[4, 5, 6], [1, 2, 3]],              // 7: transpose, then 270° (= top-bottom mirror)
        ]
        for k in 0..<8 { XCTAssertEqual(rows(small.dihedral(k)), expected[k], "variant \(k)") }
        let rgb = Image(width: 1, height: 2, colorModel: .rgb, samples: .uint8([1, 2, 3, 4, 5, 6]))
        XCTAssertEqual(rgb.dihedral(1).intSamples, [4, 5, 6, 1, 2, 3])
        XCTAssertEqual(rgb.dihedral(1).width, 2)
    }
}

final class ElasticTests: XCTestCase {
    private func isbi(_ kind: String, _ n: Int = 0) throws -> Image {
        let path = Repo.shared + "/isbi2012/train/\(kind)/\(n).png"
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("no shared datasets") }
        return try ImageReader.read(path)
    }

    func testZeroAlphaAndZeroStdAreTheIdentity() throws {
        let image = try isbi("image"), label = try isbi("label")
        var g = SeededGenerator(seed: 3)
        let flat = ElasticSpec.simard(alpha: 0, sigma: 12).field(width: 512, height: 512, using: &g)
        let still = ElasticSpec.grid(nodes: 3, std: 0).field(width: 512, height: 512, using: &g)
        for field in [flat, still] {
            for interpolation in Interpolation.allCases {
                for border in Border.allCases {
                    XCTAssertEqual(image.warped(by: field, interpolation: interpolation, border: border), image, "\(interpolation) \(border)")
                }
            }
            XCTAssertEqual(label.warped(by: field, interpolation: .nearest, border: .reflect), label)
        }
    }

    func testLabelsKeepTheirValueSetOnRealLabels() throws {
        for n in [0, 7, 29] {
            let label = try isbi("label", n)
            var g = SeededGenerator(seed: UInt64(n))
            let field = ElasticSpec.defaultSimard.field(width: 512, height: 512, using: &g)
            XCTAssertEqual(Set(label.warped(by: field, interpolation: .nearest, border: .reflect).intSamples), [0, 255])
            let constant = label.warped(by: field, interpolation: .nearest, border: .constant, fill: 7)
            XCTAssertTrue(Set(constant.intSamples).isSubset(of: [0, 255, 7]))
            var grid = SeededGenerator(seed: 99)
            let big = ElasticSpec.grid(nodes: 3, std: 40).field(width: 512, height: 512, using: &grid)
            let moved = label.warped(by: big, interpolation: .nearest, border: .constant, fill: 7)
            XCTAssertEqual(Set(moved.intSamples), [0, 255, 7], "a 40 px grid pushes some pixels in from outside")
        }
    }

    func testImageAndLabelStayAligned() throws {
        let label = try isbi("label", 3)
        // An "image" made from the label: warped with nearest by the same field it must equal the warped label.
        let derived = Image.gray8(width: 512, height: 512, pixels: label.grayLevels8().map { $0 == 255 ? 200 : 30 })
        var g = SeededGenerator(seed: 11)
        let field = ElasticSpec.defaultSimard.field(width: 512, height: 512, using: &g)
        let warpedLabel = label.warped(by: field, interpolation: .nearest, border: .reflect).intSamples
        let warpedImage = derived.warped(by: field, interpolation: .nearest, border: .reflect).intSamples
        XCTAssertEqual(warpedImage.map { $0 == 200 ? 255 : 0 }, warpedLabel)
        // With bilinear, thresholding half-way recovers the label except on a thin band along edges.
        let smooth = derived.warped(by: field, interpolation: .bilinear, border: .reflect).intSamples
        let agree = zip(smooth, warpedLabel).filter { ($0.0 >= 115 ? 255 : 0) == $0.1 }.count
        XCTAssertGreaterThan(Double(agree) / Double(smooth.count), 0.97)
    }

    func testWarpsAgreeWithOpenCVRemap() throws {
        let dir = Repo.fixtures + "/warp-reference"
        let source = try ImageReader.read(dir + "/source.png")
        // field.tif was written by tifffile: this also reads an independent float TIFF.
        let pages = try FloatTIFF.read(dir + "/field.tif")
        XCTAssertEqual(pages.count, 2)
        let field = DisplacementField(width: 64, height: 48, dx: pages[0].values, dy: pages[1].values)
        let linear = try ImageReader.read(dir + "/linear.png").intSamples
        let ours = source.warped(by: field, interpolation: .bilinear, border: .reflect).intSamples
        // Tolerance: one grey level (OpenCV interpolates in fixed point; on this image it matched exact bilinear).
        XCTAssertLessThanOrEqual(zip(ours, linear).map { abs($0.0 - $0.1) }.max()!, 1)
        let nearest = try ImageReader.read(dir + "/nearest.png").intSamples
        let ourNearest = source.warped(by: field, interpolation: .nearest, border: .reflect).intSamples
        XCTAssertLessThanOrEqual(zip(ourNearest, nearest).filter { $0.0 != $0.1 }.count, 2, "positions at a half-pixel tie may round apart")
    }

    func testDefaultMeanDisplacementMatchesTheory() {
        // Uniform noise on [-1, 1) has variance 1/3; a 2-D Gaussian of std σ keeps Σw² ≈ 1/(4πσ²) of it, so each
        // axis has std α/(σ√(12π)), and the mean length of a 2-D normal vector is that std times √(π/2).
        let alpha = 300.0, sigma = 12.0
        let theory = alpha / (sigma * (12 * Double.pi).squareRoot()) * (Double.pi / 2).squareRoot()
        var total = 0.0
        for seed in 0..<6 {
            var g = SeededGenerator(seed: UInt64(seed))
            total += ElasticSpec.simard(alpha: alpha, sigma: sigma).field(width: 512, height: 512, using: &g).meanMagnitude
        }
        let measured = total / 6
        XCTAssertEqual(theory, 5.10, accuracy: 0.01)
        XCTAssertEqual(measured, theory, accuracy: theory * 0.08, "measured \(measured)")
    }

    func testRGBAnd16BitImagesWarpPerChannel() {
        var rgb: [UInt16] = []
        for y in 0..<40 { for x in 0..<50 { rgb += [UInt16(x * 1000), UInt16(y * 1500), 40000] } }
        let image = Image(width: 50, height: 40, colorModel: .rgb, samples: .uint16(rgb))
        var g = SeededGenerator(seed: 8)
        let field = ElasticSpec.simard(alpha: 60, sigma: 5).field(width: 50, height: 40, using: &g)
        let warped = image.warped(by: field, interpolation: .bilinear, border: .reflect)
        XCTAssertEqual(warped.colorModel, .rgb)
        XCTAssertTrue(warped.is16Bit)
        guard case .uint16(let out) = warped.samples else { return XCTFail() }
        // Channels are resampled independently: the constant third channel stays exactly constant.
        XCTAssertEqual(Set(stride(from: 2, to: out.count, by: 3).map { out[$0] }), [40000])
        XCTAssertNotEqual(warped, image)
        let zero = DisplacementField.zero(width: 50, height: 40)
        for interpolation in Interpolation.allCases {
            XCTAssertEqual(image.warped(by: zero, interpolation: interpolation, border: .constant, fill: 123), image)
        }
    }

    func testGridFieldPassesThroughTheNodes() {
        // With std > 0 the field at the 9 node positions equals the node draws (Catmull–Rom interpolates).
        var g1 = SeededGenerator(seed: 5), g2 = SeededGenerator(seed: 5)
        let field = ElasticSpec.grid(nodes: 3, std: 10).field(width: 101, height: 51, using: &g1)
        let nodes = (0..<9).map { _ in g2.normal() * 10 }
        for i in 0..<3 { for j in 0..<3 {
            XCTAssertEqual(Double(field.dx[(i * 25) * 101 + j * 50]), nodes[i * 3 + j], accuracy: 1e-4)
        } }
    }
}

final class AugmentJobTests: XCTestCase {
    private func isbiInputs() throws -> [AugmentInput] {
        let isbi = Repo.shared + "/isbi2012/train"
        guard FileManager.default.fileExists(atPath: isbi) else { throw XCTSkip("no shared datasets") }
        return Array(try AugmentJob.inputs(images: isbi + "/image", labels: isbi + "/label").prefix(4))
    }

    func testSameSeedSameBytesAcrossThreadCounts() throws {
        let inputs = try isbiInputs()
        let root = try makeTemporaryDirectory(self)
        var runs: [[String: [UInt8]]] = []
        for (i, workers) in [1, 2].enumerated() {
            var options = AugmentOptions(out: root + "/run\(i)")
            options.copies = 2
            options.seed = 42
            options.flip = .random
            options.d4 = true
            options.elastic = .defaultSimard
            options.workers = workers
            options.saveFields = root + "/fields\(i)"
            let report = try AugmentJob.run(inputs, options: options)
            XCTAssertEqual(report.written.count, 8)
            var files: [String: [UInt8]] = [:]
            for name in listing(root + "/run\(i)") { files[name] = try FileBytes.read(root + "/run\(i)/" + name) }
            runs.append(files)
        }
        XCTAssertEqual(runs[0], runs[1])
        XCTAssertEqual(runs[0].count, 17, "8 images, 8 labels, the manifest")
        // A saved field reproduces its copy exactly.
        let name = listing(root + "/fields0")[0]
        let pages = try FloatTIFF.read(root + "/fields0/" + name)
        let field = DisplacementField(width: 512, height: 512, dx: pages[0].values, dy: pages[1].values)
        let stem = String(name.dropLast(4))
        let key = String(stem.prefix { $0 != "_" })
        let parts = stem.split(separator: "_")
        var source = try ImageReader.read(Repo.shared + "/isbi2012/train/image/\(key).png")
        if let flip = parts.first(where: { $0.hasPrefix("flip-") }) { source = source.flipped(Flip(rawValue: String(flip.dropFirst(5)))!) }
        if let d4 = parts.first(where: { $0.hasPrefix("d4-") }) { source = source.dihedral(Int(d4.dropFirst(3))!) }
        XCTAssertEqual(source.warped(by: field, interpolation: .bilinear, border: .reflect),
                       try ImageReader.read(root + "/run0/images/\(stem).png"))
    }

    func testDifferentCopiesAndSeedsDiffer() throws {
        let inputs = try isbiInputs()
        var options = AugmentOptions(out: "/unused")
        options.copies = 3
        options.elastic = .defaultSimard
        let a = AugmentJob.variants(for: inputs[0].key, options: options)
        var g0 = a[0].1, g1 = a[1].1
        XCTAssertNotEqual(g0.next(), g1.next())
        options.seed = 1
        var g2 = AugmentJob.variants(for: inputs[0].key, options: options)[0].1
        var g0again = AugmentJob.variants(for: inputs[0].key, options: AugmentOptions(out: "x").with { $0.copies = 3; $0.elastic = .defaultSimard })[0].1
        XCTAssertNotEqual(g2.next(), g0again.next())
    }

    func testNamesManifestAndPaletteLabels() throws {
        let root = try makeTemporaryDirectory(self)
        try "\(Repo.fixtures)/awkward/image.jpg\t\(Repo.fixtures)/awkward/labels-palette.png\r\n"
            .write(toFile: root + "/m.txt", atomically: true, encoding: .utf8)
        let inputs = try AugmentJob.inputs(manifest: root + "/m.txt")
        var options = AugmentOptions(out: root + "/out")
        options.flip = .fixed(.h)
        options.includeOriginals = true
        _ = try AugmentJob.run(inputs, options: options)
        let manifest = try Manifest.read(root + "/out/manifest.txt")
        XCTAssertEqual(manifest.count, 2)
        XCTAssertTrue(manifest[1].image.hasSuffix("images/image_flip-h.png"))
        let label = try ImageReader.read(manifest[1].label!)
        let original = try ImageReader.read(Repo.fixtures + "/awkward/labels-palette.png")
        XCTAssertEqual(label.colorModel, .palette)
        XCTAssertEqual(label.palette, original.palette)
        XCTAssertEqual(label, original.flipped(.h))
        XCTAssertTrue(FileManager.default.fileExists(atPath: manifest[0].image), "originals listed by relative path")
        // An existing set is a FileError .exists, to which every tool adds "pass --force to replace" (SegCLITests).
        XCTAssertThrowsError(try AugmentJob.run(inputs, options: options)) { XCTAssertEqual(($0 as? FileError)?.kind, .exists, "\($0)") }
    }

    func testD4AllWritesSevenVariants() throws {
        let inputs = try isbiInputs()
        let root = try makeTemporaryDirectory(self)
        var options = AugmentOptions(out: root)
        options.d4All = true
        let report = try AugmentJob.run(Array(inputs.prefix(1)), options: options)
        XCTAssertEqual(report.written.map(\.image), (1..<8).map { "images/\(inputs[0].key)_d4-\($0).png" })
        let source = try ImageReader.read(inputs[0].image)
        XCTAssertEqual(try ImageReader.read(root + "/images/\(inputs[0].key)_d4-4.png"), source.dihedral(4))
    }
}

extension AugmentOptions {
    func with(_ change: (inout AugmentOptions) -> Void) -> AugmentOptions {
        var copy = self
        change(&copy)
        return copy
    }
}

extension Image {
    var intSamples: [Int] {
        switch samples {
        case .uint8(let a): return a.map(Int.init)
        case .uint16(let a): return a.map(Int.init)
        }
    }
}
