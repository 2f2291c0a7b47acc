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

    /// Pairs images and labels by key: the path relative to its folder with
    /// the extension removed, and for labels `labelSuffix` removed from the
    /// end of the stem (`7_mask.png` → `7`). A label whose stem lacks the
    /// suffix, when one is given, pairs with nothing.
    public init(images: [InputFile], labels: [InputFile], labelSuffix: String? = nil) {
        func groupByKey(_ files: [InputFile], suffix: String?) -> [String: [InputFile]] {
            var map: [String: [InputFile]] = [:]
            for file in files {
                guard let key = Pairing.key(file.relativePath, suffix: suffix) else { continue }
                map[key, default: []].append(file)
            }
            return map
        }
        let imageMap = groupByKey(images, suffix: nil)
        let labelMap = groupByKey(labels, suffix: labelSuffix)
        var ambiguous: [(String, [String])] = []
        for (key, files) in imageMap.merging(labelMap, uniquingKeysWith: { $0 + $1 })
            where (imageMap[key]?.count ?? 0) > 1 || (labelMap[key]?.count ?? 0) > 1 {
            ambiguous.append((key, files.map(\.path)))
        }
        self.ambiguous = ambiguous.sorted { NaturalOrder.less($0.0, $1.0) }
        var pairs: [DatasetPair] = []
        var lonelyImages: [InputFile] = []
        for image in images {
            guard let key = Pairing.key(image.relativePath, suffix: nil) else { continue }
            if let label = labelMap[key]?.first { pairs.append(DatasetPair(key: key, image: image, label: label)) }
            else { lonelyImages.append(image) }
        }
        let pairedKeys = Set(pairs.map(\.key))
        let lonelyLabels = labels.filter { label in
            guard let key = Pairing.key(label.relativePath, suffix: labelSuffix) else { return true }
            return !pairedKeys.contains(key)
        }
        self.pairs = pairs.sorted { NaturalOrder.less($0.image.relativePath, $1.image.relativePath) }
        self.unpairedImages = lonelyImages
        self.unpairedLabels = lonelyLabels
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
