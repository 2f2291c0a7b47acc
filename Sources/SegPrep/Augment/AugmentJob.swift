import Dispatch
import Foundation
import SegFiles
import SegCore
import SegImage

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
            throw FileError(.exists, path: manifestPath, "an augmented set is already there (refusing to overwrite)")
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
            throw PrepError("\(path): \(setting: .labelFill) \(fill) does not fit in this \(label.is16Bit ? 16 : 8)-bit label")
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
            throw PrepError("\(problem); augment copies labels as they are: repair them first (\(setting: .step("remap")) \(setting: .nearest) or \(setting: .threshold)), or list the values with \(setting: .classes)")
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
