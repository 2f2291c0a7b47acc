import Foundation

/// How file names become pairing keys, the same in every tool (split, check,
/// augment, segeval): the path relative to its folder without the
/// extension, minus a suffix on each side (`21_training.tif` with
/// `--image-suffix _training` and `21_manual1.gif` with `--label-suffix
/// _manual1` both give `21`), or, for the hard cases, the first capture
/// group (else the whole match) of a regular expression searched in the
/// file's stem.
public struct PairingRule: Sendable, Equatable {
    /// Removed from the end of image (or prediction) stems; a stem without it pairs with nothing.
    public var imageSuffix: String?
    /// Removed from the end of label (ground-truth) stems.
    public var labelSuffix: String?
    /// Regular expression applied to each stem (after the suffix is removed).
    public var keyPattern: String?

    public init(imageSuffix: String? = nil, labelSuffix: String? = nil, keyPattern: String? = nil) {
        self.imageSuffix = imageSuffix
        self.labelSuffix = labelSuffix
        self.keyPattern = keyPattern
    }

    /// Throws for a key pattern that is not a valid regular expression (a usage error).
    public func validate() throws {
        if let keyPattern, (try? NSRegularExpression(pattern: keyPattern)) == nil {
            throw InputListError("\(setting: .key) '\(keyPattern)' is not a valid regular expression", .usage)
        }
    }

    /// Whether the rule is the plain stem rule.
    public var isPlain: Bool { imageSuffix == nil && labelSuffix == nil && keyPattern == nil }

    /// The key of an image's or a label's relative path, nil when the name does
    /// not fit the rule (missing suffix, pattern not found).
    public func key(_ relativePath: String, label: Bool) -> String? {
        guard var key = Pairing.key(relativePath, suffix: label ? labelSuffix : imageSuffix) else { return nil }
        if let keyPattern, let regex = try? NSRegularExpression(pattern: keyPattern) {
            let slash = key.lastIndex(of: "/")
            let folder = slash.map { String(key[...$0]) } ?? ""
            let stem = slash.map { String(key[key.index(after: $0)...]) } ?? key
            let range = NSRange(stem.startIndex..., in: stem)
            guard let match = regex.firstMatch(in: stem, range: range) else { return nil }
            let group = match.numberOfRanges > 1 && match.range(at: 1).location != NSNotFound ? match.range(at: 1) : match.range
            guard let r = Range(group, in: stem), !r.isEmpty else { return nil }
            key = folder + String(stem[r])
        }
        return key
    }
}

/// An image and its label, found by file stem.
public struct DatasetPair: Sendable, Equatable {
    /// The pairing key: relative folder + stem (label suffix removed).
    public let key: String
    public let image: InputFile
    /// Nil for image-only sets (a test set without labels).
    public let label: InputFile?

    public init(key: String, image: InputFile, label: InputFile?) {
        self.key = key
        self.image = image
        self.label = label
    }
}

/// The outcome of pairing two folders.
public struct Pairing: Sendable {
    /// Pairs in natural order of the image's relative path.
    public let pairs: [DatasetPair]
    public let unpairedImages: [InputFile]
    public let unpairedLabels: [InputFile]
    /// Keys that more than one image, or more than one label, maps to (`7.png` and `7.jpg`).
    public let ambiguous: [(key: String, paths: [String])]

    /// Pairs images and labels by the plain stem rule, with `labelSuffix`
    /// removed from label stems (`7_mask.png` → `7`).
    public init(images: [InputFile], labels: [InputFile], labelSuffix: String? = nil) {
        self.init(images: images, labels: labels, rule: PairingRule(labelSuffix: labelSuffix))
    }

    /// Pairs images and labels by the keys `rule` gives them. A file whose
    /// name does not fit the rule pairs with nothing.
    public init(images: [InputFile], labels: [InputFile], rule: PairingRule) {
        func groupByKey(_ files: [InputFile], label: Bool) -> [String: [InputFile]] {
            var map: [String: [InputFile]] = [:]
            for file in files {
                guard let key = rule.key(file.relativePath, label: label) else { continue }
                map[key, default: []].append(file)
            }
            return map
        }
        let imageMap = groupByKey(images, label: false)
        let labelMap = groupByKey(labels, label: true)
        var ambiguous: [(String, [String])] = []
        for (key, files) in imageMap.merging(labelMap, uniquingKeysWith: { $0 + $1 })
            where (imageMap[key]?.count ?? 0) > 1 || (labelMap[key]?.count ?? 0) > 1 {
            ambiguous.append((key, files.map(\.path)))
        }
        self.ambiguous = ambiguous.sorted { NaturalOrder.less($0.0, $1.0) }
        var pairs: [DatasetPair] = []
        var lonelyImages: [InputFile] = []
        for image in images {
            guard let key = rule.key(image.relativePath, label: false) else { lonelyImages.append(image); continue }
            if let label = labelMap[key]?.first { pairs.append(DatasetPair(key: key, image: image, label: label)) }
            else { lonelyImages.append(image) }
        }
        let pairedKeys = Set(pairs.map(\.key))
        let lonelyLabels = labels.filter { label in
            guard let key = rule.key(label.relativePath, label: true) else { return true }
            return !pairedKeys.contains(key)
        }
        self.pairs = pairs.sorted { NaturalOrder.less($0.image.relativePath, $1.image.relativePath) }
        self.unpairedImages = lonelyImages
        self.unpairedLabels = lonelyLabels
        self.rule = rule
    }

    /// The rule the keys came from.
    public let rule: PairingRule

    /// One line naming the unmatched keys of both sides (the key each
    /// unpaired file has under the rule, or its name when it has none), so
    /// a user sees at once why `21_training` and `21_manual1` did not meet.
    public var unmatchedSummary: String {
        func keys(_ files: [InputFile], label: Bool) -> String {
            let shown = files.prefix(6).map { rule.key($0.relativePath, label: label) ?? "\($0.relativePath) (no key)" }
            return shown.joined(separator: ", ") + (files.count > 6 ? ", … (\(files.count) in all)" : "")
        }
        var parts: [String] = []
        if !unpairedImages.isEmpty { parts.append("unmatched image keys: \(keys(unpairedImages, label: false))") }
        if !unpairedLabels.isEmpty { parts.append("unmatched label keys: \(keys(unpairedLabels, label: true))") }
        return parts.joined(separator: "; ")
    }

    /// The key of a relative path: folder + stem, minus `suffix` when given
    /// (nil when the stem does not end with it).
    public static func key(_ relativePath: String, suffix: String?) -> String? {
        let slash = relativePath.lastIndex(of: "/")
        let folder = slash.map { String(relativePath[...$0]) } ?? ""
        var stem = InputFiles.stem(relativePath)
        if let suffix, !suffix.isEmpty {
            guard stem.hasSuffix(suffix), stem.count > suffix.count else { return nil }
            stem.removeLast(suffix.count)
        }
        return folder + stem
    }
}
