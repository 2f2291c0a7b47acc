import Foundation
import SegFiles
import SegCore
import SegImage
import SegTestSupport
import XCTest

/// Issue 13: data as it is downloaded (gray palettes, colour masks, float
/// maps, links, DRIVE names) is read the same way by every tool, and nothing
/// is dropped or misread with exit 0. Each test failed on the code before it.
final class RealDataTests: XCTestCase {
    /// A 16×16 0/255 square mask.
    static let square: [UInt8] = (0..<256).map { i in (4..<12).contains(i / 16) && (4..<12).contains(i % 16) ? 255 : 0 }

    func writePNG(_ pixels: [UInt8], _ path: String, width: Int = 16) throws {
        try ImageWriter.write(Image.gray8(width: width, height: pixels.count / width, pixels: pixels), to: path, as: .png())
    }

    func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }

    // MARK: A1 gray palettes

    func testGrayPaletteGIFAndPNGAreGrayLevelsInEveryTool() throws {
        let root = try makeTemporaryDirectory(self)
        for sub in ["gt", "pred"] { try FileManager.default.createDirectory(atPath: root + "/" + sub, withIntermediateDirectories: true) }
        // A 0/255 mask saved as GIF with the identity gray ramp (entry i = (i, i, i)): index 255 is gray 255.
        let gif = HostileCorpus.gif(width: 16, height: 16, colors: 256, indices: Self.square)
        try Data(gif).write(to: URL(fileURLWithPath: root + "/gt/a.gif"))
        // The same mask as a two-entry gray palette PNG (indices 0/1, entries black and white).
        let palette = Image(width: 16, height: 16, colorModel: .palette, samples: .uint8(Self.square.map { $0 == 255 ? 1 : 0 }),
                            palette: [RGBA(0, 0, 0), RGBA(255, 255, 255)])
        try ImageWriter.write(palette, to: root + "/gt/b.png", as: .png())
        for name in ["a", "b"] { try writePNG(Self.square, root + "/pred/\(name).png") }

        let decoded = try ImageReader.read(root + "/gt/a.gif")
        XCTAssertEqual(decoded.colorModel, .gray)
        XCTAssertEqual(decoded.labelPlane(), .values8(Self.square))
        XCTAssertEqual(try ImageReader.read(root + "/gt/b.png").labelPlane(), .values8(Self.square))
        var raw = DecodeOptions()
        raw.grayPalettes = false
        XCTAssertEqual(try ImageReader.read(root + "/gt/b.png", options: raw).colorModel, .palette, "the stored indices stay reachable")

        let eval = try runTool("segeval", ["--gt", root + "/gt", "--pred", root + "/pred", "--format", "json"])
        XCTAssertEqual(eval.status, 0, eval.stderr)
        let r = try json(eval.stdout)
        XCTAssertEqual(r["IoU_1"] as? Double, 1, "the foreground is read as foreground, not as the ignore index")
        XCTAssertEqual(r["maxF"] as? Double, 1, "the salient family reads the file")
        let remap = try runTool("segprep", ["remap", root + "/gt", "--out", root + "/remapped", "--format", "json"])
        XCTAssertEqual(remap.status, 0, remap.stderr)
        XCTAssertEqual(try ImageReader.read(root + "/remapped/a.png").labelPlane(), .values8(Self.square.map { $0 == 255 ? 1 : 0 }))
    }

    func testColourPalettesStayLabelMaps() {
        // VOC: index 1 is (128, 0, 0); the index is the class.
        let voc = Image(width: 2, height: 1, colorModel: .palette, samples: .uint8([0, 1]), palette: [RGBA(0, 0, 0), RGBA(128, 0, 0)])
        XCTAssertFalse(voc.hasGrayPalette)
        XCTAssertEqual(voc.grayPaletteResolved(), voc)
        // Only the used entries count: an unused colour entry does not make a gray mask a label map.
        let used = Image(width: 2, height: 1, colorModel: .palette, samples: .uint8([0, 2]),
                         palette: [RGBA(0, 0, 0), RGBA(200, 0, 0), RGBA(255, 255, 255)])
        XCTAssertEqual(used.grayPaletteResolved().samples, .uint8([0, 255]))
    }

    func testIgnoreIndexWarningProposesWhatChangesTheOutcome() throws {
        let root = try makeTemporaryDirectory(self)
        for sub in ["gt", "pred"] { try FileManager.default.createDirectory(atPath: root + "/" + sub, withIntermediateDirectories: true) }
        try writePNG(Self.square, root + "/gt/a.png")
        try writePNG(Self.square, root + "/pred/a.png")
        let index = try runTool("segeval", ["--gt", root + "/gt", "--pred", root + "/pred", "--gt-values", "index", "--metrics", "iou"])
        XCTAssertEqual(index.status, 0, index.stderr)
        XCTAssertTrue(index.stderr.contains("--gt-values binary"), index.stderr)
        XCTAssertFalse(index.stderr.contains("use --num-classes 2"), "2 classes is the default: proposing it changes nothing")
    }

    // MARK: A2 colour ground truth

    func testColourGroundTruthIsRefusedUnlessTheUserSaysHowToReadIt() throws {
        let root = try makeTemporaryDirectory(self)
        for sub in ["gt", "pred"] { try FileManager.default.createDirectory(atPath: root + "/" + sub, withIntermediateDirectories: true) }
        var rgb = [UInt8](repeating: 0, count: 256 * 3)
        for i in 0..<256 where Self.square[i] == 255 { rgb[3 * i] = 255 }  // red on black
        try ImageWriter.write(Image(width: 16, height: 16, colorModel: .rgb, samples: .uint8(rgb)), to: root + "/gt/a.png", as: .png())
        try writePNG(Self.square, root + "/pred/a.png")
        let base = ["--gt", root + "/gt", "--pred", root + "/pred", "--metrics", "iou", "--format", "json"]
        let refused = try runTool("segeval", base)
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("a.png: colour ground truth") && refused.stderr.contains("--gt-colors"), refused.stderr)
        XCTAssertTrue(refused.stdout.isEmpty)

        try "0,0,0 -> 0\n255,0,0 -> 1\n".write(toFile: root + "/colors.txt", atomically: true, encoding: .utf8)
        let table = try runTool("segeval", base + ["--gt-colors", root + "/colors.txt"])
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertEqual(try json(table.stdout)["IoU_1"] as? Double, 1)
        let gray = try runTool("segeval", base + ["--gt-colors", "gray"])
        XCTAssertEqual(gray.status, 0, gray.stderr)
        XCTAssertEqual(try json(gray.stdout)["IoU_1"] as? Double, 0, "red is gray 76 (OpenCV), below 128: the user asked for it")
        try "0,0,0 -> 0\n".write(toFile: root + "/partial.txt", atomically: true, encoding: .utf8)
        let partial = try runTool("segeval", base + ["--gt-colors", root + "/partial.txt"])
        XCTAssertEqual(partial.status, 1)
        XCTAssertTrue(partial.stderr.contains("255,0,0 (64 px)"), partial.stderr)
    }

    func testColourJPEGGroundTruthIsRefusedAndPalettesFollowTheColourTable() throws {
        let root = try makeTemporaryDirectory(self)
        for sub in ["gt", "pred", "pal"] { try FileManager.default.createDirectory(atPath: root + "/" + sub, withIntermediateDirectories: true) }
        // Red on black through JPEG (as a photo editor saves a mask): colour, not gray.
        var rgb = [UInt8](repeating: 0, count: 256 * 3)
        for i in 0..<256 where Self.square[i] == 255 { rgb[3 * i] = 255 }
        try ImageWriter.write(Image(width: 16, height: 16, colorModel: .rgb, samples: .uint8(rgb)), to: root + "/gt/a.jpg", as: .jpeg(quality: 95))
        try writePNG(Self.square, root + "/pred/a.png")
        let base = ["--pred", root + "/pred", "--metrics", "iou", "--format", "json"]
        let refused = try runTool("segeval", ["--gt", root + "/gt"] + base)
        XCTAssertEqual(refused.status, 1, refused.stdout)
        XCTAssertTrue(refused.stderr.contains("a.jpg: colour ground truth"), refused.stderr)
        XCTAssertEqual(try runTool("segeval", ["--gt", root + "/gt", "--gt-colors", "gray"] + base).status, 0)
        // A colour palette (index 0 red, index 1 black) read through a colour table: by colour, as remap --colors reads it.
        let indices = Self.square.map { $0 == 255 ? UInt8(0) : 1 }
        try ImageWriter.write(Image(width: 16, height: 16, colorModel: .palette, samples: .uint8(indices),
                                    palette: [RGBA(255, 0, 0), RGBA(0, 0, 0)]), to: root + "/pal/a.png", as: .png())
        try "0,0,0 -> 0\n255,0,0 -> 1\n".write(toFile: root + "/colors.txt", atomically: true, encoding: .utf8)
        let table = try runTool("segeval", ["--gt", root + "/pal", "--gt-colors", root + "/colors.txt"] + base)
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertEqual(try json(table.stdout)["IoU_1"] as? Double, 1, "red is class 1 whatever its palette index")
        let remap = try runTool("segprep", ["remap", root + "/pal", "--colors", root + "/colors.txt", "--out", root + "/remapped"])
        XCTAssertEqual(remap.status, 0, remap.stderr)
        XCTAssertEqual(try ImageReader.read(root + "/remapped/a.png").labelPlane(), .values8(Self.square.map { $0 == 255 ? 1 : 0 }))
    }

    /// SegKit reads what SegKit writes: a class palette whose used colours are all gray
    /// (Cityscapes' building is 70,70,70) would be read back as gray levels, so remap refuses it.
    func testRemapRefusesPalettePNGsThatWouldReadBackAsGray() throws {
        let root = try makeTemporaryDirectory(self)
        try writePNG(Self.square, root + "/a.png")
        try FileManager.default.createDirectory(atPath: root + "/in", withIntermediateDirectories: true)
        try "0,0,0 -> 0\n70,70,70 -> 11\n".write(toFile: root + "/colors.txt", atomically: true, encoding: .utf8)
        try writePNG(Self.square.map { $0 == 255 ? 70 : 0 }, root + "/in/b.png", width: 16)
        let gray = try runTool("segprep", ["remap", root + "/in/b.png", "--colors", root + "/colors.txt", "--palette", "--out", root + "/gray"])
        XCTAssertEqual(gray.status, 1)
        XCTAssertTrue(gray.stderr.contains("b.png: every class in it has a gray palette colour (0 (0,0,0), 11 (70,70,70))"), gray.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/gray/b.png"))
        let voc = try runTool("segprep", ["remap", root + "/a.png", "--map", "0:0,255:11", "--palette", "--out", root + "/voc"])
        XCTAssertEqual(voc.status, 0, "the VOC palette gives class 11 a colour: \(voc.stderr)")
        XCTAssertEqual(try ImageReader.read(root + "/voc/a.png").labelPlane(), .values8(Self.square.map { $0 == 255 ? 11 : 0 }),
                       "read back as the classes written")
    }

    // MARK: A3 damaged labels

    func testJPEGDamagedMasksAreRefusedByAugmentAndSplit() throws {
        let root = try makeTemporaryDirectory(self)
        for sub in ["images", "labels"] { try FileManager.default.createDirectory(atPath: root + "/" + sub, withIntermediateDirectories: true) }
        let damaged = try ImageReader.read(Repo.fixtures + "/awkward/mask-via-jpeg.png")
        try ImageWriter.write(Image.gray8(width: damaged.width, height: damaged.height, pixels: damaged.grayLevels8()), to: root + "/images/a.png", as: .png())
        try FileManager.default.copyItem(atPath: Repo.fixtures + "/awkward/mask-via-jpeg.png", toPath: root + "/labels/a.png")
        let augment = try runTool("segprep", ["augment", "--images", root + "/images", "--labels", root + "/labels", "--flip", "h", "--out", root + "/aug"])
        XCTAssertEqual(augment.status, 1, augment.stderr)
        XCTAssertTrue(augment.stderr.contains("labels/a.png: unexpected label values"), augment.stderr)
        XCTAssertTrue(augment.stderr.contains("(expected 0,255)"), "a 0/255 mask, whatever JPEG did to its background: \(augment.stderr)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/aug/manifest.txt"))
        let split = try runTool("segprep", ["split", "--images", root + "/images", "--labels", root + "/labels", "--out", root + "/split",
                                            "--ratio", "1,0", "--stratify", "fg"])
        XCTAssertEqual(split.status, 1, split.stderr)
        XCTAssertTrue(split.stderr.contains("unexpected label values"), split.stderr)
        // segeval binarises like the reference tools, says so, and refuses with --strict-gt.
        let eval = ["--gt", root + "/labels", "--pred", root + "/images", "--metrics", "iou"]
        let lenient = try runTool("segeval", eval)
        XCTAssertEqual(lenient.status, 0, lenient.stderr)
        XCTAssertTrue(lenient.stderr.contains("1 ground-truth masks hold values other than 0 and 255"), lenient.stderr)
        let strict = try runTool("segeval", eval + ["--strict-gt"])
        XCTAssertEqual(strict.status, 1)
        XCTAssertTrue(strict.stderr.contains("labels/a.png:") && strict.stderr.contains("neither 0 nor 255"), strict.stderr)
    }

    /// The damaged-mask rule must not refuse ordinary multi-class labels: Cityscapes trainIds
    /// (0…18 + 255 ignore), ADE20K (0…150); `--classes` with ranges states the values exactly.
    func testMultiClassLabelsAreNotMistakenForDamagedMasks() throws {
        let root = try makeTemporaryDirectory(self)
        for sub in ["images", "labels"] { try FileManager.default.createDirectory(atPath: root + "/" + sub, withIntermediateDirectories: true) }
        let cityscapes = (0..<256).map { i in i < 19 ? UInt8(i) : (i < 128 ? 7 : 255) }
        let ade = (0..<256).map { i in UInt8(i % 151) }
        for (name, label) in [("city", cityscapes), ("ade", ade)] {
            try writePNG(Self.square, root + "/images/\(name).png")
            try writePNG(label, root + "/labels/\(name).png")
        }
        let data = ["--images", root + "/images", "--labels", root + "/labels"]
        let augment = try runTool("segprep", ["augment"] + data + ["--flip", "h", "--out", root + "/aug"])
        XCTAssertEqual(augment.status, 0, augment.stderr)
        let split = try runTool("segprep", ["split"] + data + ["--out", root + "/split", "--ratio", "2,0", "--stratify", "fg"])
        XCTAssertEqual(split.status, 0, split.stderr)
        let narrow = try runTool("segprep", ["split"] + data + ["--out", root + "/split2", "--ratio", "2,0", "--stratify", "fg", "--classes", "0-18,255"])
        XCTAssertEqual(narrow.status, 1, "ade.png holds values past 18")
        XCTAssertTrue(narrow.stderr.contains("ade.png: unexpected label values"), narrow.stderr)
        XCTAssertEqual(try runTool("segprep", ["split"] + data + ["--out", root + "/split3", "--ratio", "2,0", "--stratify", "fg", "--classes", "0-150,255"]).status, 0)
        XCTAssertEqual(try runTool("segprep", ["split"] + data + ["--out", root + "/split4", "--classes", "0-1"]).status, 64, "--classes without --stratify")
        XCTAssertEqual(try runTool("segprep", ["check", root + "/x", "--classes", "5-2"]).status, 64, "a reversed range is a usage error")
    }

    func testSplitRefusesPairsWhoseSizesDiffer() throws {
        let root = try makeTemporaryDirectory(self)
        for sub in ["images", "labels"] { try FileManager.default.createDirectory(atPath: root + "/" + sub, withIntermediateDirectories: true) }
        try writePNG(Self.square, root + "/images/a.png")
        try writePNG(Array(Self.square.prefix(128)), root + "/labels/a.png")
        let split = try runTool("segprep", ["split", "--images", root + "/images", "--labels", root + "/labels", "--out", root + "/split", "--ratio", "1,0"])
        XCTAssertEqual(split.status, 1)
        XCTAssertTrue(split.stderr.contains("is 16x16 but its label") && split.stderr.contains("16x8"), split.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/split/train.txt"))
    }

    // MARK: A4 what SegKit writes, and formats it does not read

    func testFloatTIFFProbabilityMapsArePredictions() throws {
        let root = try makeTemporaryDirectory(self)
        for sub in ["gt", "pred"] { try FileManager.default.createDirectory(atPath: root + "/" + sub, withIntermediateDirectories: true) }
        try writePNG(Self.square, root + "/gt/a.png")
        // 0.9 inside the square, 0.2 outside, and one pixel at 0.49 inside (a miss at threshold 0.5).
        var p = Self.square.map { $0 == 255 ? Float(0.9) : Float(0.2) }
        p[4 * 16 + 4] = 0.49
        try FloatTIFF.write([FloatTIFF.Page(width: 16, height: 16, values: p)], to: root + "/pred/a.tif")
        let r = try runTool("segeval", ["--gt", root + "/gt", "--pred", root + "/pred", "--metrics", "iou", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try XCTUnwrap(try json(r.stdout)["IoU_1"] as? Double), 63.0 / 64.0, accuracy: 1e-12)
        try FloatTIFF.write([FloatTIFF.Page(width: 16, height: 16, values: p.map { $0 * 255 })], to: root + "/pred/a.tif")
        let bad = try runTool("segeval", ["--gt", root + "/gt", "--pred", root + "/pred", "--metrics", "iou"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("a.tif: page 0 holds 51.0") && bad.stderr.contains("[0, 1]"), bad.stderr)
        // Other tools say what the file is instead of "too large to decode".
        XCTAssertThrowsError(try ImageReader.read(root + "/pred/a.tif")) { XCTAssertTrue("\($0)".contains("32-bit float"), "\($0)") }
    }

    func testFolderScansNameFilesOfFormatsTheyDoNotRead() throws {
        let root = try makeTemporaryDirectory(self)
        try FileManager.default.createDirectory(atPath: root + "/in", withIntermediateDirectories: true)
        try writePNG(Self.square, root + "/in/a.png")
        try Data("BM".utf8).write(to: URL(fileURLWithPath: root + "/in/b.bmp"))
        var notices: [String] = []
        let files = try InputFiles.collect([root + "/in"], notice: { notices.append($0) })
        XCTAssertEqual(files.map(\.relativePath), ["a.png"])
        XCTAssertEqual(notices.count, 1)
        XCTAssertTrue(notices[0].contains("1 file") && notices[0].contains("bmp") && notices[0].contains("b.bmp"), notices[0])
        let remap = try runTool("segprep", ["remap", root + "/in", "--out", root + "/out"])
        XCTAssertTrue(remap.stderr.contains("segprep remap: warning: 1 file in a format SegKit does not read (bmp)"), remap.stderr)
    }

    // MARK: B5/B6 links

    /// images/0…3 and labels/0…3, where labels 0 and 1 are hard links to one
    /// all-black file in a DVC-style cache and labels 2 and 3 symlinks to one mask.
    func makeLinkedDataset(_ root: String) throws {
        let fm = FileManager.default
        for sub in ["data/images", "data/labels", "cache/ab"] { try fm.createDirectory(atPath: root + "/" + sub, withIntermediateDirectories: true) }
        for i in 0..<4 { try writePNG(Self.square.map { $0 / 2 + UInt8(i) }, root + "/data/images/\(i).png") }
        try writePNG([UInt8](repeating: 0, count: 256), root + "/cache/ab/cdef0123")
        try writePNG(Self.square, root + "/cache/ab/mask")
        XCTAssertEqual(link(root + "/cache/ab/cdef0123", root + "/data/labels/0.png"), 0)
        XCTAssertEqual(link(root + "/cache/ab/cdef0123", root + "/data/labels/1.png"), 0)
        try fm.createSymbolicLink(atPath: root + "/data/labels/2.png", withDestinationPath: "../../cache/ab/mask")
        try fm.createSymbolicLink(atPath: root + "/data/labels/3.png", withDestinationPath: "../../cache/ab/mask")
    }

    func testLinksAreEntriesInEveryTool() throws {
        let root = try makeTemporaryDirectory(self)
        try makeLinkedDataset(root)
        let data = root + "/data"
        XCTAssertEqual(try InputFiles.collect([data + "/labels"]).map(\.relativePath), ["0.png", "1.png", "2.png", "3.png"])

        let remap = try runTool("segprep", ["remap", data + "/labels", "--out", root + "/remapped"])
        XCTAssertEqual(remap.status, 0, remap.stderr)
        XCTAssertEqual(listing(root + "/remapped"), ["0.png", "1.png", "2.png", "3.png"])

        let split = try runTool("segprep", ["split", "--images", data + "/images", "--labels", data + "/labels", "--out", root + "/split", "--ratio", "4,0"])
        XCTAssertEqual(split.status, 0, split.stderr)
        let manifest = try String(contentsOfFile: root + "/split/train.txt", encoding: .utf8)
        XCTAssertEqual(manifest, (0..<4).map { "../data/images/\($0).png\t../data/labels/\($0).png\n" }.joined(), "the links' own names")
        let check = try runTool("segprep", ["check", root + "/split"])
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)

        let eval = try runTool("segeval", ["--gt", data + "/labels", "--pred", data + "/labels", "--metrics", "iou", "--format", "json"])
        XCTAssertEqual(eval.status, 0, eval.stderr)
        XCTAssertEqual(try json(eval.stdout)["images"] as? Int, 4)
        let manifestEval = try runTool("segeval", ["--manifest", root + "/split/train.txt", "--pred", root + "/remapped", "--metrics", "iou", "--format", "json"])
        XCTAssertEqual(manifestEval.status, 0, manifestEval.stderr)
        XCTAssertEqual(try json(manifestEval.stdout)["images"] as? Int, 4)

        let augment = try runTool("segprep", ["augment", "--images", data + "/images", "--labels", data + "/labels", "--flip", "h", "--out", root + "/aug"])
        XCTAssertEqual(augment.status, 0, augment.stderr)
        XCTAssertEqual(try String(contentsOfFile: root + "/aug/manifest.txt", encoding: .utf8).split(separator: "\n").count, 4)
    }

    /// segpredict over links writes one map per name; an annexed file that was never
    /// fetched (a dangling link) is an entry whose reading fails, never a file quietly absent.
    func testSegpredictWritesOneMapPerLinkNameAndDanglingLinksAreErrors() throws {
        let root = try makeTemporaryDirectory(self)
        try makeLinkedDataset(root)
        let model = Repo.fixtures + "/models/cells-unet.safetensors"
        let predict = try runTool("segpredict", ["--weights", model, "--input", root + "/data/labels", "--out", root + "/pred"])
        XCTAssertEqual(predict.status, 0, predict.stderr)
        XCTAssertEqual(listing(root + "/pred"), ["0.png", "1.png", "2.png", "3.png"])
        let twice = try runTool("segpredict", ["--weights", model, "--input", root + "/data/labels", "--input", root + "/data/labels/0.png",
                                               "--out", root + "/pred2"])
        XCTAssertEqual(twice.status, 0, twice.stderr)
        XCTAssertTrue(twice.stderr.contains("1 path given more than once"), twice.stderr)

        try FileManager.default.createSymbolicLink(atPath: root + "/data/labels/4.png", withDestinationPath: "../../.git/annex/objects/xx/missing")
        XCTAssertEqual(try InputFiles.collect([root + "/data/labels"]).count, 5)
        let remap = try runTool("segprep", ["remap", root + "/data/labels", "--out", root + "/remapped"])
        XCTAssertEqual(remap.status, 1)
        XCTAssertTrue(remap.stderr.contains("4.png") && remap.stderr.contains("does not exist (git-annex or DVC content not fetched?)"), remap.stderr)
        try FileManager.default.copyItem(atPath: root + "/pred/0.png", toPath: root + "/pred/4.png")
        let eval = try runTool("segeval", ["--gt", root + "/data/labels", "--pred", root + "/pred", "--metrics", "iou"])
        XCTAssertEqual(eval.status, 1, "a GT that cannot be read is not dropped from the score")
        XCTAssertTrue(eval.stderr.contains("4.png: a symbolic link to"), eval.stderr)
    }

    func testTheSamePathTwiceIsOneEntryWithAWarning() throws {
        let root = try makeTemporaryDirectory(self)
        try makeLinkedDataset(root)
        let labels = root + "/data/labels"
        var notices: [String] = []
        let files = try InputFiles.collect([labels, labels + "/0.png", "-"], readStdin: { "\(labels)/./1.png\n\(labels)/1.png\n" },
                                           notice: { notices.append($0) })
        XCTAssertEqual(files.count, 4)
        XCTAssertEqual(notices, ["3 paths given more than once (a folder and a file in it, a repeated argument or line) listed once"])
    }

    func testSymlinkedFoldersAreWalkedUnderEachNameButLoopsAreNot() throws {
        let root = try makeTemporaryDirectory(self)
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/in/real", withIntermediateDirectories: true)
        try writePNG(Self.square, root + "/in/real/a.png")
        try fm.createSymbolicLink(atPath: root + "/in/copy", withDestinationPath: "real")
        try fm.createSymbolicLink(atPath: root + "/in/real/loop", withDestinationPath: "..")
        XCTAssertEqual(try InputFiles.collect([root + "/in"]).map(\.relativePath), ["copy/a.png", "real/a.png"])
    }

    // MARK: B7 pairing options

    func testDRIVENamesPairWithSuffixesOrAKeyPattern() throws {
        let root = try makeTemporaryDirectory(self)
        let fm = FileManager.default
        for sub in ["images", "1st_manual", "mask"] { try fm.createDirectory(atPath: root + "/training/" + sub, withIntermediateDirectories: true) }
        for i in [21, 22] {
            try writePNG(Self.square.map { $0 / 3 + UInt8(i) }, root + "/training/images/\(i)_training.png")
            try writePNG(Self.square, root + "/training/1st_manual/\(i)_manual1.png")
            try writePNG([UInt8](repeating: 255, count: 256), root + "/training/mask/\(i)_training_mask.png")
        }
        let images = root + "/training/images", labels = root + "/training/1st_manual"
        let plain = try runTool("segprep", ["split", "--images", images, "--labels", labels, "--out", root + "/s0", "--ratio", "2,0"])
        XCTAssertEqual(plain.status, 1)
        XCTAssertTrue(plain.stderr.contains("unmatched image keys: 21_training, 22_training; unmatched label keys: 21_manual1, 22_manual1"), plain.stderr)
        let suffixes = try runTool("segprep", ["split", "--images", images, "--labels", labels, "--out", root + "/s1", "--ratio", "2,0",
                                               "--image-suffix", "_training", "--label-suffix", "_manual1"])
        XCTAssertEqual(suffixes.status, 0, suffixes.stderr)
        let pattern = try runTool("segprep", ["split", "--images", images, "--labels", labels, "--out", root + "/s2", "--ratio", "2,0", "--key", "^([0-9]+)_"])
        XCTAssertEqual(pattern.status, 0, pattern.stderr)
        XCTAssertEqual(try String(contentsOfFile: root + "/s1/train.txt", encoding: .utf8), try String(contentsOfFile: root + "/s2/train.txt", encoding: .utf8))
        XCTAssertEqual(try runTool("segprep", ["split", "--images", images, "--labels", labels, "--out", root + "/s3", "--key", "(["]).status, 64)

        try fm.createDirectory(atPath: root + "/pred", withIntermediateDirectories: true)
        for i in [21, 22] { try writePNG(Self.square, root + "/pred/\(i)_pred.png") }
        let unpaired = try runTool("segeval", ["--gt", labels, "--pred", root + "/pred", "--metrics", "iou"])
        XCTAssertEqual(unpaired.status, 1, "different names do not pair by themselves")
        let eval = try runTool("segeval", ["--gt", labels, "--pred", root + "/pred", "--label-suffix", "_manual1", "--pred-suffix", "_pred",
                                           "--metrics", "iou", "--format", "json"])
        XCTAssertEqual(eval.status, 0, eval.stderr)
        XCTAssertEqual(try json(eval.stdout)["images"] as? Int, 2)
        // With a manifest, predictions are named after the images' keys: --pred-suffix and --key apply to them.
        XCTAssertEqual(suffixes.status, 0)
        let manifestEval = try runTool("segeval", ["--manifest", root + "/s1/train.txt", "--pred", root + "/pred", "--key", "^([0-9]+)_",
                                                   "--metrics", "iou", "--format", "json"])
        XCTAssertEqual(manifestEval.status, 0, manifestEval.stderr)
        XCTAssertEqual(try json(manifestEval.stdout)["images"] as? Int, 2)
        let noKey = try runTool("segeval", ["--manifest", root + "/s1/train.txt", "--pred", root + "/pred", "--metrics", "iou"])
        XCTAssertEqual(noKey.status, 1, "21_training has no prediction named 21_training")
        XCTAssertEqual(try runTool("segeval", ["--manifest", root + "/s1/train.txt", "--pred", root + "/pred", "--label-suffix", "_manual1"]).status, 64,
                       "the manifest names the labels: --label-suffix has nothing to do")
        let augment = try runTool("segprep", ["augment", "--images", images, "--labels", labels, "--key", "^([0-9]+)_", "--flip", "h", "--out", root + "/aug"])
        XCTAssertEqual(augment.status, 0, augment.stderr)

        // Two folders could be the labels: check asks instead of taking mask/.
        let ask = try runTool("segprep", ["check", root + "/training"])
        XCTAssertEqual(ask.status, 64)
        XCTAssertTrue(ask.stderr.contains("1st_manual/, mask/") && ask.stderr.contains("--label-dir"), ask.stderr)
        let named = try runTool("segprep", ["check", root + "/training", "--label-dir", "1st_manual", "--key", "^([0-9]+)_"])
        XCTAssertEqual(named.status, 0, named.stdout + named.stderr)
        let keys = try runTool("segprep", ["check", root + "/training", "--label-dir", "1st_manual"])
        XCTAssertEqual(keys.status, 1)
        XCTAssertTrue(keys.stdout.contains("(key '21_training')") && keys.stdout.contains("unmatched label keys: 21_manual1, 22_manual1")
                      && keys.stdout.contains("--key"), keys.stdout)
    }

    func testUnstackNamesPagesSoVolumeAndLabelsPair() throws {
        let root = try makeTemporaryDirectory(self)
        let pages = (0..<3).map { page in Image.gray8(width: 16, height: 16, pixels: Self.square.map { $0 / 3 + UInt8(page) }) }
        try ImageWriter.writeTIFFStack(pages, to: root + "/train-volume.tif")
        try ImageWriter.writeTIFFStack(pages.map { _ in Image.gray8(width: 16, height: 16, pixels: Self.square) }, to: root + "/train-labels.tif")
        for (volume, folder) in [("train-volume", "images"), ("train-labels", "labels")] {
            let r = try runTool("segprep", ["unstack", root + "/\(volume).tif", "--out", root + "/" + folder, "--name", "{page}.png"])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        XCTAssertEqual(listing(root + "/images"), ["00.png", "01.png", "02.png"])
        XCTAssertEqual(try runTool("segprep", ["split", "--images", root + "/images", "--labels", root + "/labels", "--out", root + "/s", "--ratio", "3,0"]).status, 0)
        XCTAssertEqual(try runTool("segprep", ["unstack", root + "/train-volume.tif", "--out", root + "/x", "--name", "page.png"]).status, 64)
    }

    // MARK: C8/C9 gates and usage errors

    func testGatesFitBinarySegmentationAndAreCheckedBeforeWork() throws {
        let root = try makeTemporaryDirectory(self)
        for sub in ["gt", "pred"] { try FileManager.default.createDirectory(atPath: root + "/" + sub, withIntermediateDirectories: true) }
        try writePNG(Self.square, root + "/gt/a.png")
        var pred = Self.square
        for i in 0..<16 where pred[4 * 16 + i] == 255 { pred[4 * 16 + i] = 0 }  // one row of the square missed: 56 of 64
        try writePNG(pred, root + "/pred/a.png")
        let base = ["--gt", root + "/gt", "--pred", root + "/pred"]
        let table = try runTool("segeval", base + ["--metrics", "iou"])
        XCTAssertTrue(table.stdout.split(separator: "\n")[0].hasSuffix("IoU_1   Dice_1"), table.stdout)
        let gate = try runTool("segeval", base + ["--metrics", "iou", "--fail-under", "IoU_1=0.9"])
        XCTAssertEqual(gate.status, 3)
        XCTAssertTrue(gate.stderr.contains("IoU_1 = 0.8750 is below 0.9"), gate.stderr)

        let report = try runTool("segeval", base + ["--format", "json"])
        var baseline = try json(report.stdout)
        baseline["adpF"] = (baseline["adpF"] as! Double) + 0.001  // an auxiliary metric moved: not compared by default
        baseline["MAE"] = (baseline["MAE"] as! Double) - 0.01     // the prediction got worse in MAE: it "rose"
        try JSONSerialization.data(withJSONObject: baseline).write(to: URL(fileURLWithPath: root + "/base.json"))
        let compared = try runTool("segeval", base + ["--baseline", root + "/base.json"])
        XCTAssertEqual(compared.status, 3)
        XCTAssertTrue(compared.stderr.contains("MAE rose by 0.0100"), compared.stderr)
        XCTAssertFalse(compared.stderr.contains("adpF"), compared.stderr)
        let only = try runTool("segeval", base + ["--baseline", root + "/base.json", "--compare", "adpF,IoU_1"])
        XCTAssertTrue(only.stderr.contains("adpF dropped") && !only.stderr.contains("MAE"), only.stderr)
        baseline.removeValue(forKey: "Sm")
        baseline["adpF"] = NSNull()
        try JSONSerialization.data(withJSONObject: baseline).write(to: URL(fileURLWithPath: root + "/base2.json"))
        let absent = try runTool("segeval", base + ["--baseline", root + "/base2.json", "--compare", "Sm,adpF,mIoU"])
        XCTAssertEqual(absent.status, 3)
        XCTAssertTrue(absent.stderr.contains("Sm is not in the baseline") && absent.stderr.contains("adpF is undefined in the baseline"), absent.stderr)
        let byDefault = try runTool("segeval", base + ["--baseline", root + "/base2.json", "--max-drop", "0.02"])
        XCTAssertEqual(byDefault.status, 0, "the default set compares what both runs have: \(byDefault.stderr)")

        // Usage errors: exit 64 before any file is read (a missing GT folder would be exit 1).
        let missing = ["--gt", root + "/nowhere", "--pred", root + "/pred"]
        for extra in [["--fail-under", "mIoU=abc"], ["--fail-under", "mIoUU=0.5"], ["--fail-over", "Sm=0.1", "--metrics", "iou"],
                      ["--metrics", "iou,xyz"], ["--worst-by", "nope"], ["--plot", root + "/plots", "--metrics", "mae"],
                      ["--curves", root + "/c.csv", "--metrics", "iou,mae"], ["--max-drop", "0.01"], ["--compare", "mIoU"]] {
            let r = try runTool("segeval", missing + extra)
            XCTAssertEqual(r.status, 64, "\(extra): \(r.stderr)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/plots"))
    }

    // MARK: C10 temporaries of killed runs

    func testTemporariesOfDeadProcessesAreSweptAndReported() throws {
        let root = try makeTemporaryDirectory(self)
        try FileManager.default.createDirectory(atPath: root + "/data/images", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/data/labels", withIntermediateDirectories: true)
        try writePNG(Self.square, root + "/data/images/a.png")
        try writePNG(Self.square, root + "/data/labels/a.png")
        // A pid that is gone: a child that has exited.
        let child = try runProcess("/bin/sh", ["-c", "echo $$"])
        let dead = child.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let host = TemporarySweep.hostTag
        let stale = ".a.png.tmp-\(host)-\(dead)-1-abc"
        let live = ".a.png.tmp-\(host)-\(getpid())-1-abc"
        let foreign = ".a.png.tmp-00000000-\(dead)-1-abc"
        let legacy = ".a.png.tmp-\(dead)-1-abc"  // the naming before hosts were recorded
        for name in [stale, live, foreign, legacy, ".notes.tmp"] { try Data([1]).write(to: URL(fileURLWithPath: root + "/data/labels/" + name)) }
        // Hidden folders (.git, .dvc/cache) are not searched.
        try FileManager.default.createDirectory(atPath: root + "/data/.dvc", withIntermediateDirectories: true)
        try Data([1]).write(to: URL(fileURLWithPath: root + "/data/.dvc/" + stale))
        let check = try runTool("segprep", ["check", root + "/data"])
        XCTAssertEqual(check.status, 1)
        XCTAssertTrue(check.stdout.contains(stale) && check.stdout.contains("leftover"), check.stdout)
        XCTAssertFalse(check.stdout.contains(live), "a live process's file is not a leftover")
        XCTAssertFalse(check.stdout.contains(".dvc/"), check.stdout)
        XCTAssertFalse(check.stdout.contains(foreign) || check.stdout.contains(legacy), "other hosts' and old-style files are not findings")
        XCTAssertTrue(check.stderr.contains(foreign) && check.stderr.contains("another host"), check.stderr)
        XCTAssertTrue(check.stderr.contains(legacy) && check.stderr.contains("older SegKit"), check.stderr)
        let onlyForeign = root + "/foreign"
        try FileManager.default.createDirectory(atPath: onlyForeign + "/images", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: onlyForeign + "/labels", withIntermediateDirectories: true)
        try writePNG(Self.square, onlyForeign + "/images/a.png")
        try writePNG(Self.square, onlyForeign + "/labels/a.png")
        try Data([1]).write(to: URL(fileURLWithPath: onlyForeign + "/labels/" + foreign))
        XCTAssertEqual(try runTool("segprep", ["check", onlyForeign]).status, 0, "another host's temporary alone is no finding")
        let remap = try runTool("segprep", ["remap", root + "/data/labels", "--out", root + "/data/labels-out"])
        XCTAssertEqual(remap.status, 0, remap.stderr)
        // The sweep happens where a run writes: write into labels/ itself.
        let inPlace = try runTool("segprep", ["remap", root + "/data/labels/a.png", "--in-place"])
        XCTAssertEqual(inPlace.status, 0, inPlace.stderr)
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: root + "/data/labels"))
        XCTAssertFalse(left.contains(stale), "the dead run's temporary is gone")
        XCTAssertTrue(left.isSuperset(of: [live, foreign, legacy, ".notes.tmp"]), "\(left)")
    }

    // MARK: C11 streams

    func testSegpredictStreamsPathsInInputOrder() throws {
        let root = try makeTemporaryDirectory(self)
        try FileManager.default.createDirectory(atPath: root + "/in", withIntermediateDirectories: true)
        for i in 0..<12 { try FileManager.default.copyItem(atPath: Repo.fixtures + "/cells/image/\(i).png", toPath: root + "/in/\(i).png") }
        // When the first path reaches the pipe, the last map must not exist yet (block-buffered
        // output arrived only at exit, after every map was written).
        let script = """
        "$0" --weights "$1" --input "$2" --out "$3" --tta flip --threads 1 | { read first; echo "$first"; if [ -e "$3/11.png" ]; then echo late; fi; cat >/dev/null; }
        """
        let r = try runProcess("/bin/bash", ["-c", script, toolPath("segpredict"), Repo.fixtures + "/models/cells-unet.safetensors", root + "/in", root + "/out"])
        XCTAssertEqual(r.stdout, root + "/out/0.png\n", r.stderr)
        let full = try runTool("segpredict", ["--weights", Repo.fixtures + "/models/cells-unet.safetensors", "--input", root + "/in", "--out", root + "/out2", "--batch", "2"])
        XCTAssertEqual(full.stdout, NaturalOrder.sorted((0..<12).map { "\($0).png" }).map { root + "/out2/" + $0 + "\n" }.joined(), "input order")
    }

    // MARK: C12 reports people read

    func testReportsNameAndShowEverything() throws {
        let root = try makeTemporaryDirectory(self)
        let fm = FileManager.default
        let longName = String(repeating: "a-very-long-model-name-", count: 6)
        for sub in ["gt", longName] { try fm.createDirectory(atPath: root + "/" + sub, withIntermediateDirectories: true) }
        try writePNG(Self.square, root + "/gt/a.png")
        try writePNG(Self.square.map { $0 / 2 + 10 }, root + "/" + longName + "/a.png")
        let plot = try runTool("segeval", ["--gt", root + "/gt", "--pred", root + "/" + longName, "--plot", root + "/plots"])
        XCTAssertEqual(plot.status, 0, plot.stderr)
        let svg = try String(contentsOfFile: root + "/plots/pr.svg", encoding: .utf8)
        // The legend's background starts at the bottom of the 480-px plot part, below every curve and label.
        XCTAssertTrue(svg.contains("<rect x=\"70.00\" y=\"480.00\""), svg)
        XCTAssertTrue(svg.contains("…</text>") && svg.contains("<title>\(longName) (maxF"), "long names are cut, the full one kept as a tooltip")

        // Two split folders: rows named by folder, not two `train` rows; every label value listed.
        try fm.createDirectory(atPath: root + "/data/images", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: root + "/data/labels", withIntermediateDirectories: true)
        for i in 0..<2 {
            try writePNG(Self.square.map { $0 / 3 + UInt8(i) }, root + "/data/images/\(i).png")
            try writePNG(Self.square, root + "/data/labels/\(i).png")
        }
        for folder in ["s1", "s2"] {
            XCTAssertEqual(try runTool("segprep", ["split", "--images", root + "/data/images", "--labels", root + "/data/labels",
                                                   "--out", root + "/" + folder, "--ratio", "1,1"]).status, 0)
        }
        let check = try runTool("segprep", ["check", root + "/s1", root + "/s2"], in: root)
        let rows = check.stdout.split(separator: "\n").map { String($0) }
        XCTAssertEqual(rows.filter { $0.hasPrefix("train ") }.count, 0, check.stdout)
        XCTAssertTrue(rows.contains { $0.contains("/s1/train") } && rows.contains { $0.contains("/s2/train") }, check.stdout)
        XCTAssertFalse(check.stdout.contains("/s1/../data") || check.stderr.contains("/s1/../data"), "paths are tidied")

        var many = Self.square
        for v in 1..<12 { many[v] = UInt8(v) }  // 11 stray values besides 0 and 255
        try writePNG(many, root + "/data/labels/1.png")
        let values = try runTool("segprep", ["check", root + "/data", "--classes", "0,1,2,3,4,5,6,7,8,9,10,11,255"])
        XCTAssertTrue(values.stdout.contains("255: ") && values.stdout.contains("11: "), "every value in the class-share column: \(values.stdout)")
    }

    // MARK: D13 a demo a user can believe

    /// The bundled model against the brightness baseline on all 20 fixture pairs: the synthetic
    /// cells must be hard enough that the baseline is clearly worse and the model clearly
    /// imperfect (on the easy fixtures before, both scored mIoU and maxF 1.0000).
    func testDemoModelBeatsTheBrightnessBaselineAndIsNotPerfect() throws {
        let root = try makeTemporaryDirectory(self)
        let predict = try runTool("segpredict", ["--weights", Repo.fixtures + "/models/cells-unet.safetensors",
                                                 "--input", Repo.fixtures + "/cells/image", "--out", root + "/pred"])
        XCTAssertEqual(predict.status, 0, predict.stderr)
        func scores(_ pred: String) throws -> [String: Any] {
            let eval = try runTool("segeval", ["--gt", Repo.fixtures + "/cells/label", "--pred", pred, "--format", "json"])
            XCTAssertEqual(eval.status, 0, eval.stderr)
            return try json(eval.stdout)
        }
        let model = try scores(root + "/pred"), baseline = try scores(Repo.fixtures + "/cells/image")
        let modelIoU = try XCTUnwrap(model["mIoU"] as? Double), baselineIoU = try XCTUnwrap(baseline["mIoU"] as? Double)
        let modelF = try XCTUnwrap(model["maxF"] as? Double), baselineF = try XCTUnwrap(baseline["maxF"] as? Double)
        XCTAssertLessThan(baselineIoU, 0.7, "a brightness threshold must not solve the fixtures")
        XCTAssertGreaterThan(modelIoU, baselineIoU + 0.2, "the trained model is clearly better than the baseline")
        XCTAssertLessThan(modelIoU, 0.97, "the model is not perfect either")
        XCTAssertGreaterThan(modelIoU, 0.85, "the model learned the task")
        XCTAssertLessThan(baselineF, modelF)
        XCTAssertLessThan(modelF, 0.999)
        // SegKit reads what SegKit writes: the same model's float maps score the same.
        let float = try runTool("segpredict", ["--weights", Repo.fixtures + "/models/cells-unet.safetensors",
                                               "--input", Repo.fixtures + "/cells/image", "--out", root + "/float", "--format", "tiff32"])
        XCTAssertEqual(float.status, 0, float.stderr)
        let floatIoU = try XCTUnwrap(try scores(root + "/float")["mIoU"] as? Double)
        XCTAssertEqual(floatIoU, modelIoU, accuracy: 0.002, "8-bit and float maps of one model differ only by rounding")
    }
}
