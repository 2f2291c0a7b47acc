import Dispatch
import Foundation
import SegFiles
import SegCore
import SegImage

/// Which flip each copy gets.
public enum FlipChoice: Sendable, Equatable {
    case fixed(Flip)
    /// One of none, h, v, hv, uniformly, per copy (the tutorial's codes −1, 0, 1 and "2 = no flip").
    case random
}

/// Everything `segprep augment` needs.
public struct AugmentOptions: Sendable {
    public var out: String
    public var copies = 1
    public var seed: UInt64 = 0
    public var flip: FlipChoice?
    /// A random dihedral variant per copy.
    public var d4 = false
    /// Instead of random copies: the seven non-identity dihedral variants of every pair.
    public var d4All = false
    public var elastic: ElasticSpec?
    public var interpolation: Interpolation = .bilinear
    public var border: Border = .reflect
    /// Image fill for a constant border.
    public var fill = 0.0
    /// Label fill for a constant border (e.g. 255 = ignore).
    public var labelFill = 0
    /// Which label values are accepted (damaged masks are refused, never
    /// re-saved as clean-looking PNGs).
    public var labelValues = LabelExpectation.auto
    public var includeOriginals = false
    public var preview: String?
    public var saveFields: String?
    public var force = false
    public var workers = ProcessInfo.processInfo.activeProcessorCount

    public init(out: String) { self.out = out }
}

/// One pair to augment: its name key and files.
public struct AugmentInput: Sendable {
    public let key: String
    public let image: String
    public let label: String
}

/// What one copy did.
public struct AugmentVariant: Sendable, Equatable {
    public var flip: Flip?
    public var dihedral: Int?
    /// The copy number, for elastic (and repeated random) copies.
    public var copy: Int?
    public var elastic: Bool

    /// The name suffix: `flip-h`, `d4-3`, `elastic-003`, joined by `_`.
    public var suffix: String {
        var parts: [String] = []
        if let flip { parts.append("flip-\(flip.rawValue)") }
        if let dihedral { parts.append("d4-\(dihedral)") }
        if let copy { parts.append((elastic ? "elastic-" : "copy-") + String(format: "%03d", copy)) }
        return parts.isEmpty ? "copy" : parts.joined(separator: "_")
    }
}

/// The outcome of an augment run.
public struct AugmentReport: Sendable {
    /// Written image/label pairs, relative to the output folder, in input order.
    public let written: [(image: String, label: String)]
    public let inputs: Int
    /// Mean displacement magnitude over all elastic copies (pixels).
    public let meanDisplacement: Double?
}

/// Flips, dihedral variants and elastic deformations of image/label pairs,
/// written to disk with a manifest. Every random draw for pair P, copy j
/// comes from ``SeededGenerator`` seeded with `XXH64(P's key, seed: S) ^ (j · 0x9E3779B97F4A7C15)`,
/// so results never depend on thread count or order.
public enum AugmentJob {
    /// Pairs from a manifest (keys: image file stems, which must be unique).
    public static func inputs(manifest: String) throws -> [AugmentInput] {
        let entries = try Manifest.read(manifest)
        var seen: [String: String] = [:]
        return try entries.map { entry in
            guard let label = entry.label else { throw PrepError("\(manifest): \(entry.image) has no label") }
            let key = InputFiles.stem(entry.image)
            if let other = seen[key] { throw PrepError("\(manifest): \(other) and \(entry.image) share the name '\(key)'") }
            seen[key] = entry.image
            return AugmentInput(key: key, image: entry.image, label: label)
        }
    }

    /// Pairs from an image and a label folder, paired as `split` pairs them.
    public static func inputs(images: String, labels: String, pairing rule: PairingRule = PairingRule()) throws -> [AugmentInput] {
        let pairing = Pairing(images: try InputFiles.collect([images]), labels: try InputFiles.collect([labels]), rule: rule)
        if let clash = pairing.ambiguous.first {
            throw PrepError("ambiguous pairing: \(clash.paths.joined(separator: ", ")) share the key '\(clash.key)'")
        }
        let lonely = pairing.unpairedImages.map(\.path) + pairing.unpairedLabels.map(\.path)
        if !lonely.isEmpty { throw PrepError("unpaired files: \(lonely.prefix(10).joined(separator: ", ")); \(pairing.unmatchedSummary)") }
        return pairing.pairs.map { AugmentInput(key: $0.key, image: $0.image.path, label: $0.label!.path) }
    }

    /// The variants of one pair, with their generators positioned for the elastic draws.
    static func variants(for key: String, options: AugmentOptions) -> [(AugmentVariant, SeededGenerator)] {
        if options.d4All {
            return (1..<8).map { (AugmentVariant(flip: nil, dihedral: $0, copy: nil, elastic: false), SeededGenerator(seed: 0)) }
        }
        let base = XXH64.hash(Array(key.utf8), seed: options.seed)
        return (0..<options.copies).map { j in
            var generator = SeededGenerator(seed: base ^ (UInt64(j) &* 0x9E37_79B9_7F4A_7C15))
            var variant = AugmentVariant(flip: nil, dihedral: nil, copy: nil, elastic: options.elastic != nil)
            switch options.flip {
            case .fixed(let f)?: variant.flip = f
            case .random?:
                let pick = generator.below(4)
                variant.flip = pick == 3 ? nil : Flip.allCases[pick]
            case nil: break
            }
            if options.d4 { variant.dihedral = generator.below(8) }
            if options.elastic != nil || options.copies > 1 { variant.copy = j }
            return (variant, generator)
        }
    }

    /// Augments every pair; returns what was written.
    public static func run(_ inputs: [AugmentInput], options: AugmentOptions, progress: ProgressBar? = nil) throws -> AugmentReport {
        let fm = FileManager.default
        let manifestPath = options.out + "/manifest.txt"
        guard !inputs.isEmpty else { throw PrepError("no pairs to augment") }
        if fm.fileExists(atPath: manifestPath) && !options.force {
            throw PrepError("\(manifestPath) exists; pass --force to replace the augmented set", .outputNotWritten)
        }
        // Every output name is known up front: two pairs must never write the same file.
        var owner: [String: String] = [:]
        for input in inputs {
            for (variant, _) in variants(for: input.key, options: options) {
                let name = input.key + "_" + variant.suffix
                if let other = owner[name] {
                    throw PrepError("\(other) and \(input.image) would both write \(name).png; rename one of them")
                }
                owner[name] = input.image
            }
        }
        // Missing inputs are found before anything is written.
        for input in inputs {
            for path in [input.image, input.label] where !fm.isReadableFile(atPath: path) {
                throw PrepError(fm.fileExists(atPath: path) ? "\(path): cannot read the file" : "\(path): no such file")
            }
        }
        try createFolder(options.out)
        let previous = options.force ? previousOutputs(manifestPath) : []
        let results = ResultSlots<Result<[(String, String, Double?, PreviewTiles?)], Error>>(count: inputs.count)
        let counter = Counter()
        let previewPairs = options.preview == nil ? 0 : 4
        DispatchQueue.concurrentPerform(iterations: max(1, min(options.workers, inputs.count))) { _ in
            while let i = counter.take(below: inputs.count) {
                results.set(i, Result { try augment(inputs[i], options: options, preview: i < previewPairs) })
                progress?.advance()
            }
        }
        // The set is all or nothing: when a pair fails, what the others wrote goes
        // too, and an earlier set they partly replaced no longer has a manifest.
        if let failed = results.values.firstIndex(where: { if case .failure? = $0 { return true } else { return false } }) {
            for name in owner.keys {
                for folder in ["images", "labels"] { try? fm.removeItem(atPath: "\(options.out)/\(folder)/\(name).png") }
            }
            if !previous.isEmpty { try? fm.removeItem(atPath: manifestPath) }
            for folder in ["/images", "/labels", ""] { rmdir(options.out + folder) }  // removes only empty folders
            _ = try results.values[failed]!.get()
        }
        var written: [(image: String, label: String)] = []
        var displacements: [Double] = []
        var tiles: [PreviewTiles] = []
        for (i, slot) in results.values.enumerated() {
            let outputs = try slot!.get()
            for (image, label, displacement, preview) in outputs {
                written.append((image, label))
                if let displacement { displacements.append(displacement) }
                if let preview, i < previewPairs { tiles.append(preview) }
            }
        }
        var entries: [ManifestEntry] = []
        let outRoot = InputFiles.canonical(options.out)
        if options.includeOriginals {
            for input in inputs {
                entries.append(ManifestEntry(image: Manifest.relativePath(from: outRoot, to: InputFiles.resolvedFolder(input.image)),
                                             label: Manifest.relativePath(from: outRoot, to: InputFiles.resolvedFolder(input.label))))
            }
        }
        entries += written.map { ManifestEntry(image: $0.image, label: $0.label) }
        if let preview = options.preview { try PreviewSheet.write(tiles, to: preview) }
        try AtomicFile.write(Array(try Manifest.render(entries, format: .txt).utf8), to: manifestPath)
        // --force replaces the earlier set whole: its files this run did not rewrite go.
        let current = Set(written.flatMap { [$0.image, $0.label] })
        for stale in previous where !current.contains(stale) { try? fm.removeItem(atPath: options.out + "/" + stale) }
        let mean = displacements.isEmpty ? nil : displacements.reduce(0, +) / Double(displacements.count)
        return AugmentReport(written: written, inputs: inputs.count, meanDisplacement: mean)
    }

    /// Files inside OUT that an earlier run's manifest lists.
    static func previousOutputs(_ manifestPath: String) -> [String] {
        guard let text = try? String(contentsOfFile: manifestPath, encoding: .utf8),
              let entries = try? Manifest.parse(text, format: .txt, source: manifestPath) else { return [] }
        return entries.flatMap { [$0.image] + ($0.label.map { [$0] } ?? []) }
            .filter { !$0.hasPrefix("/") && !$0.hasPrefix("../") && ($0.hasPrefix("images/") || $0.hasPrefix("labels/")) }
    }


    /// Makes a label ready for warping: sub-byte gray labels become 8-bit on
    /// the 0…255 scale (the same mask, as everywhere in SegKit), and a constant
    /// border's label fill must be a value the label can hold — a palette label
    /// gains palette entries (VOC colours) up to the fill index.
    static func prepareLabel(_ label: Image, path: String, options: AugmentOptions) throws -> Image {
        var label = label
        if label.colorModel != .palette && label.sourceBitDepth < 8 && !label.is16Bit {
            label = Image.gray8(width: label.width, height: label.height, pixels: label.grayLevels8())
        }
        guard options.elastic != nil && options.border == .constant else { return label }
        let fill = options.labelFill
        let limit = label.is16Bit ? 65535 : 255
        guard fill <= limit else {
            throw PrepError("\(path): --label-fill \(fill) does not fit in this \(label.is16Bit ? 16 : 8)-bit label")
        }
        if label.colorModel == .palette {
            label.sourceBitDepth = 8
            if fill >= label.palette.count { label.palette += Palettes.voc[label.palette.count...fill] }
        }
        return label
    }

    /// All copies of one pair: (image path, label path relative to OUT, mean displacement, preview tiles).
    static func augment(_ input: AugmentInput, options: AugmentOptions, preview: Bool) throws -> [(String, String, Double?, PreviewTiles?)] {
        let image = try ImageReader.read(input.image)
        let decodedLabel = try ImageReader.read(input.label)
        guard image.width == decodedLabel.width && image.height == decodedLabel.height else {
            throw PrepError("\(input.image) is \(image.width)x\(image.height) but \(input.label) is \(decodedLabel.width)x\(decodedLabel.height)")
        }
        guard decodedLabel.channels == 1 || decodedLabel.labelPlane() != nil else {
            throw PrepError("\(input.label): an RGB label with real colours; remap it to class indices first")
        }
        if let plane = decodedLabel.labelPlane(),
           let problem = LabelValidation.problem(input.label, values: plane.histogram, rule: options.labelValues,
                                                 palette: decodedLabel.colorModel == .palette) {
            throw PrepError(problem + "; augment copies labels as they are: repair them first (segprep remap --nearest or --threshold), or list the values with --classes")
        }
        let label = try prepareLabel(decodedLabel, path: input.label, options: options)
        var outputs: [(String, String, Double?, PreviewTiles?)] = []
        var tiles = preview ? PreviewTiles(source: (image, label), copies: []) : nil
        for (variant, generatorAtDraws) in variants(for: input.key, options: options) {
            var generator = generatorAtDraws
            var img = image, lbl = label
            if let flip = variant.flip { img = img.flipped(flip); lbl = lbl.flipped(flip) }
            if let k = variant.dihedral { img = img.dihedral(k); lbl = lbl.dihedral(k) }
            var displacement: Double?
            let name = input.key + "_" + variant.suffix
            if let elastic = options.elastic {
                let field = elastic.field(width: img.width, height: img.height, using: &generator)
                // A palette image's samples are indices: blending them would invent colours.
                let interpolation: Interpolation = img.colorModel == .palette ? .nearest : options.interpolation
                img = img.warped(by: field, interpolation: interpolation, border: options.border, fill: options.fill)
                // Labels: nearest neighbour, the same field and border, their own fill.
                lbl = lbl.warped(by: field, interpolation: .nearest, border: options.border, fill: Double(options.labelFill))
                displacement = field.meanMagnitude
                if let dir = options.saveFields {
                    let path = dir + "/" + name + ".tif"
                    try createParentFolder(of: path)
                    try FloatTIFF.write([FloatTIFF.Page(width: field.width, height: field.height, values: field.dx),
                                         FloatTIFF.Page(width: field.width, height: field.height, values: field.dy)], to: path)
                }
            }
            let imagePath = "images/" + name + ".png", labelPath = "labels/" + name + ".png"
            for (picture, relative, content) in [(img, imagePath, ImageContent.image), (lbl, labelPath, ImageContent.labels)] {
                let full = options.out + "/" + relative
                try createParentFolder(of: full)
                try ImageWriter.write(picture, to: full, as: content == .labels ? .labelPNG : .png(level: 1), content: content)
            }
            if (tiles?.copies.count ?? 4) < 4 { tiles?.copies.append((img, lbl)) }  // the sheet shows four copies
            outputs.append((imagePath, labelPath, displacement, nil))
        }
        if let tiles, !outputs.isEmpty { outputs[0].3 = tiles }
        return outputs
    }
}

/// A source pair and its augmented copies, for the preview sheet.
public struct PreviewTiles: @unchecked Sendable {
    var source: (Image, Image)
    var copies: [(Image, Image)]
}

/// A contact sheet: one row per source pair (the first four), the original
/// then up to four copies, each image in grey with its label's boundaries
/// drawn in colour (VOC colours by class), scaled to at most 192 px wide.
enum PreviewSheet {
    static let tile = 192, gap = 4

    static func write(_ rows: [PreviewTiles], to path: String) throws {
        guard !rows.isEmpty else { throw PrepError("nothing to preview", .badInput) }
        let columns = 1 + min(4, rows.map(\.copies.count).max() ?? 0)
        let rendered = rows.map { row in ([row.source] + row.copies.prefix(4)).map { render($0.0, $0.1) } }
        let cellH = rendered.flatMap { $0 }.map(\.height).max() ?? tile
        let width = columns * (tile + gap) + gap, height = rows.count * (cellH + gap) + gap
        var pixels = [UInt8](repeating: 255, count: width * height * 3)
        for (r, row) in rendered.enumerated() {
            for (c, cell) in row.enumerated() {
                let ox = gap + c * (tile + gap), oy = gap + r * (cellH + gap)
                guard case .uint8(let s) = cell.samples else { continue }
                for y in 0..<cell.height {
                    for x in 0..<cell.width {
                        for k in 0..<3 { pixels[((oy + y) * width + ox + x) * 3 + k] = s[(y * cell.width + x) * 3 + k] }
                    }
                }
            }
        }
        try ImageWriter.write(Image(width: width, height: height, colorModel: .rgb, samples: .uint8(pixels)), to: path, as: .png())
    }

    /// The image in grey (nearest-neighbour downscale) with label boundaries in colour.
    static func render(_ image: Image, _ label: Image) -> Image {
        let scale = max(1, (image.width + tile - 1) / tile)
        let w = image.width / scale, h = image.height / scale
        let gray = image.grayLevels8()
        let classes: [Int]
        switch label.labelPlane() {
        case .values8(let v)?: classes = v.map(Int.init)
        case .values16(let v)?: classes = v.map(Int.init)
        case nil: classes = [Int](repeating: 0, count: label.pixelCount)
        }
        var out = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h {
            for x in 0..<w {
                let sx = x * scale, sy = y * scale
                let v = classes[sy * image.width + sx]
                var boundary = false
                for (nx, ny) in [(sx + scale, sy), (sx, sy + scale)] where nx < image.width && ny < image.height {
                    if classes[ny * image.width + nx] != v { boundary = true }
                }
                let o = (y * w + x) * 3
                if boundary {
                    // Binary masks (0/1, 0/255) in bright red; other classes in their VOC colour.
                    let color = v <= 1 || v == 255 ? RGBA(255, 40, 40) : Palettes.voc[min(v, 255)]
                    out[o] = color.r; out[o + 1] = color.g; out[o + 2] = color.b
                } else {
                    let g = gray[sy * image.width + sx]
                    out[o] = g; out[o + 1] = g; out[o + 2] = g
                }
            }
        }
        return Image(width: w, height: h, colorModel: .rgb, samples: .uint8(out))
    }
}
