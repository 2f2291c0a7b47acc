import Dispatch
import Foundation
import SegFiles
import SegCore
import SegImage
#if canImport(Glibc)
import Glibc
#endif

/// Verifies datasets and manifests.
public enum Checker {
    /// Turns command-line arguments into sources: manifest files, dataset
    /// folders holding `images`/`image`/`imgs`/`img` and
    /// `labels`/`label`/`masks`/`mask`/`gt` (checked as one split, "all
    /// pairs"), or folders of manifests as `split` writes them (with
    /// split.json and `foldK` subfolders).
    /// `imageFolder`/`labelFolder` name the subfolders of a dataset folder
    /// when they are not the usual names; with several candidate label
    /// folders and no `labelFolder`, it is a usage error.
    public static func sources(_ arguments: [String], pairing rule: PairingRule = PairingRule(), imageFolder: String? = nil,
                               labelFolder: String? = nil) throws -> (sources: [CheckSource], findings: [Finding]) {
        var sources: [CheckSource] = []
        var findings: [Finding] = []
        let fm = FileManager.default
        for (index, argument) in arguments.enumerated() {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: argument, isDirectory: &isDir) else { throw PrepError("\(argument): no such file or folder", .usage) }
            if !isDir.boolValue {
                guard ManifestFormat(rawValue: InputFiles.fileExtension(argument)) != nil else {
                    throw PrepError("\(argument): not a manifest (.txt, .csv or .json) nor a folder", .usage)
                }
                let folder = (argument as NSString).deletingLastPathComponent
                sources.append(try manifestSource(argument, name: InputFiles.stem(argument), folder: folder, hashes: [:], set: -1,
                                                  findings: &findings))
                continue
            }
            findings += leftoverTemporaries(under: argument, split: argument)
            let children = ((try? fm.contentsOfDirectory(atPath: argument)) ?? []).sorted()
            let imageDir = imageFolder ?? ["images", "image", "imgs", "img"].first { children.contains($0) }
            var labelDir = labelFolder ?? ["labels", "label", "masks", "mask", "gt"].first { children.contains($0) }
            if labelFolder == nil, let imageDir, manifestFiles(in: argument).isEmpty {
                // Every other folder holding images could be the labels (DRIVE: 1st_manual/ and mask/): ask, never guess.
                let candidates = children.filter { name in
                    var isFolder: ObjCBool = false
                    guard name != imageDir, !name.hasPrefix("."), fm.fileExists(atPath: argument + "/" + name, isDirectory: &isFolder),
                          isFolder.boolValue else { return false }
                    return ((try? fm.contentsOfDirectory(atPath: argument + "/" + name)) ?? []).contains { InputFiles.imageExtensions.contains(InputFiles.fileExtension($0)) }
                }
                if candidates.count > 1 {
                    throw PrepError("\(argument): several folders could hold the labels (\(candidates.map { $0 + "/" }.joined(separator: ", "))); name it with \(setting: .labelDir)", .usage)
                }
                if labelDir == nil { labelDir = candidates.first }
            }
            if let imageDir, let labelDir {
                let pairing = Pairing(images: try InputFiles.collect([argument + "/" + imageDir]),
                                      labels: try InputFiles.collect([argument + "/" + labelDir]), rule: rule)
                // Each unpaired file names its key; when both sides have some, the first also
                // lists the other side's keys and the options that pair differently named files.
                let hint: Message = !pairing.unpairedImages.isEmpty && !pairing.unpairedLabels.isEmpty
                    ? " (\(pairing.unmatchedSummary); \(setting: .imageSuffix), \(setting: .labelSuffix) or \(setting: .key) pair differently named files)" : ""
                for (n, file) in pairing.unpairedImages.enumerated() {
                    let key = rule.key(file.relativePath, label: false) ?? "none"
                    findings.append(Finding(kind: .unpaired, splits: [argument], files: [file.path],
                                            message: "\(file.path): image without a label (key '\(key)')\(n == 0 ? hint : "")"))
                }
                for file in pairing.unpairedLabels {
                    let key = rule.key(file.relativePath, label: true) ?? "none"
                    findings.append(Finding(kind: .unpaired, splits: [argument], files: [file.path],
                                            message: "\(file.path): label without an image (key '\(key)')"))
                }
                for clash in pairing.ambiguous {
                    findings.append(Finding(kind: .unpaired, splits: [argument], files: clash.paths,
                                            message: "\(clash.paths.joined(separator: ", ")): several files share the key '\(clash.key)'"))
                }
                sources.append(CheckSource(name: argument, folder: argument,
                                           entries: pairing.pairs.map { ManifestEntry(image: $0.image.path, label: $0.label?.path) },
                                           recordedHashes: [:], set: index))
                continue
            }
            let manifests = manifestFiles(in: argument)
            guard !manifests.isEmpty else {
                throw PrepError("\(argument): holds neither manifests (train.txt, …) nor images/ and labels/ folders", .usage)
            }
            let hashes = recordedHashes(in: argument)
            for manifest in manifests {
                let path = argument + "/" + manifest
                let name = manifest.split(separator: ".").dropLast().joined(separator: ".")
                sources.append(try manifestSource(path, name: name, folder: (path as NSString).deletingLastPathComponent,
                                                  hashes: hashes, set: index, findings: &findings))
            }
        }
        // Two folders' `train` splits are two rows: name them by their folder when names repeat.
        var counts: [String: Int] = [:]
        for source in sources { counts[source.name, default: 0] += 1 }
        let named = sources.map { source -> CheckSource in
            guard counts[source.name]! > 1, !source.name.hasPrefix(source.folder) else { return source }
            return CheckSource(name: InputFiles.lexicallyNormalized(source.folder + "/" + source.name), folder: source.folder,
                               entries: source.entries, recordedHashes: source.recordedHashes, set: source.set)
        }
        return (named, findings)
    }

    /// Temporary files of killed SegKit runs anywhere under `folder` (hidden
    /// folders such as `.git` and `.dvc` are not entered). Those of this host
    /// whose process is gone are findings; those written on another host (a
    /// run there may still be going) or named the older way (host unknown)
    /// cannot be judged from here and go to `notice`.
    static func leftoverTemporaries(under folder: String, split: String,
                                    notice: (String) -> Void = StandardError.warning) -> [Finding] {
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return [] }
        var found: [Finding] = []
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if name.hasPrefix("."), (walker.fileAttributes?[.type] as? FileAttributeType) == .typeDirectory {
                walker.skipDescendants()
                continue
            }
            guard let (host, pid) = TemporarySweep.parse(name) else { continue }
            let path = folder + "/" + relative
            switch host {
            case TemporarySweep.hostTag?:
                guard TemporarySweep.isGone(pid) else { continue }  // a live run is writing it
                found.append(Finding(kind: .leftoverTemporary, splits: [split], files: [path],
                                     message: "\(path): temporary file left by a killed SegKit run (process \(pid), gone); the next run writing into this folder removes it"))
            case nil:
                notice("\(path): temporary file named as older SegKit versions named them (process \(pid), host unknown); remove it by hand once no run writes into this folder")
            default:
                notice("\(path): temporary file of a SegKit run on another host (process \(pid), which may still be running); remove it by hand once no run there writes into this folder")
            }
        }
        return found
    }

    /// Manifest files of a split folder: train/val/test.{txt,csv,json} in it
    /// and in its `foldK` subfolders.
    static func manifestFiles(in folder: String) -> [String] {
        let fm = FileManager.default
        let top = (try? fm.contentsOfDirectory(atPath: folder)) ?? []
        let folds = top.filter { $0.hasPrefix("fold") && Int($0.dropFirst(4)) != nil }
        let all = top + folds.flatMap { fold in ((try? fm.contentsOfDirectory(atPath: folder + "/" + fold)) ?? []).map { fold + "/" + $0 } }
        let names = all.filter { path in
            let file = (path as NSString).lastPathComponent
            return ["txt", "csv", "json"].contains(InputFiles.fileExtension(file)) && SplitName(rawValue: InputFiles.stem(file)) != nil
        }
        // Folder by folder in natural order; within a folder train, val, test.
        func rank(_ path: String) -> Int {
            SplitName.allCases.firstIndex { $0.rawValue == InputFiles.stem(path) } ?? SplitName.allCases.count
        }
        return names.sorted { a, b in
            let da = (a as NSString).deletingLastPathComponent, db = (b as NSString).deletingLastPathComponent
            return da == db ? rank(a) < rank(b) : NaturalOrder.less(da, db)
        }
    }

    /// split.json's recorded hashes, keyed by resolved path.
    static func recordedHashes(in folder: String) -> [String: String] {
        guard let data = FileManager.default.contents(atPath: folder + "/split.json"),
              let record = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let files = record["files"] as? [String: String] else { return [:] }
        var hashes: [String: String] = [:]
        for (path, hash) in files { hashes[normalizedKey(Manifest.resolve(path, in: folder))] = hash }
        return hashes
    }

    /// The absolute, lexically normalised spelling of a path: the key that
    /// makes `fold0/../../images/x` and `../images/x` the same file.
    static func normalizedKey(_ path: String) -> String {
        InputFiles.lexicallyNormalized(path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path)
    }

    private static func manifestSource(_ path: String, name: String, folder: String, hashes: [String: String], set: Int,
                                       findings: inout [Finding]) throws -> CheckSource {
        do {
            return CheckSource(name: name, folder: folder, entries: try Manifest.read(path), recordedHashes: hashes, set: set)
        } catch {
            findings.append(Finding(kind: .manifest, splits: [name], files: [path], message: "\(error)"))
            return CheckSource(name: name, folder: folder, entries: [], recordedHashes: hashes, set: set)
        }
    }

    /// What one entry's files turned out to be.
    struct EntryResult: Sendable {
        var findings: [Finding] = []
        var imageID: [UInt64]?
        var contentKey: String?
        var size: String?
        var labelValues: Histogram?
    }

    /// Checks every source; `progress` advances once per entry.
    public static func run(_ sources: [CheckSource], initialFindings: [Finding] = [], options: CheckOptions,
                           progress: ProgressBar? = nil) throws -> CheckReport {
        let flat = sources.enumerated().flatMap { s, source in source.entries.map { (s, $0) } }
        let results = ResultSlots<EntryResult>(count: flat.count)
        let workers = max(1, min(options.workers, flat.count))
        let next = Counter()
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let i = next.take(below: flat.count) {
                let (s, entry) = flat[i]
                results.set(i, inspect(entry, split: sources[s].name, hashes: sources[s].recordedHashes, options: options))
                progress?.advance()
            }
        }
        let inspected = results.values.map { $0! }
        var findings = initialFindings + inspected.flatMap(\.findings)
        findings += valueFindings(flat.map(\.1), inspected, sources: sources, flatSplits: flat.map(\.0), options: options)
        findings += try overlapFindings(flat, inspected, sources: sources, options: options)
        let summaries = sources.enumerated().map { s, source -> CheckSplitSummary in
            var classes = Histogram()
            var sizes: [String: Int] = [:]
            var labelled = 0
            for (i, item) in flat.enumerated() where item.0 == s {
                if let values = inspected[i].labelValues { classes.merge(values); labelled += 1 }
                if let size = inspected[i].size { sizes[size, default: 0] += 1 }
            }
            return CheckSplitSummary(name: source.name, entries: source.entries.count, labelled: labelled, classPixels: classes, sizes: sizes)
        }
        return CheckReport(findings: findings, splits: summaries)
    }

    private static func inspect(_ entry: ManifestEntry, split: String, hashes: [String: String], options: CheckOptions) -> EntryResult {
        var result = EntryResult()
        func problem(_ kind: Finding.Kind, _ files: [String], _ message: Message) {
            result.findings.append(Finding(kind: kind, splits: [split], files: files, message: "\(message)"))
        }
        var imageSize: (Int, Int)?
        for (path, isLabel) in [(entry.image, false)] + (entry.label.map { [($0, true)] } ?? []) {
            var st = stat()
            guard stat(path, &st) == 0 else { problem(.missing, [path], "\(path): listed in \(split) but missing"); continue }
            let bytes: [UInt8]
            let image: Image
            do {
                bytes = try FileBytes.read(path)
                image = try ImageReader.decode(bytes, path: path, options: options.decode)
            } catch {
                problem(.unreadable, [path], "\(error)")
                continue
            }
            if options.verifyHashes, let recorded = hashes[normalizedKey(path)], SHA256.hex(bytes) != recorded {
                problem(.hashMismatch, [path], "\(path): content differs from the hash split.json recorded")
            }
            if !isLabel {
                result.imageID = [UInt64(st.st_dev), UInt64(st.st_ino)]
                result.contentKey = contentKey(image)
                result.size = "\(image.width)x\(image.height)"
                imageSize = (image.width, image.height)
            } else {
                if let (w, h) = imageSize, (w, h) != (image.width, image.height) {
                    problem(.sizeMismatch, [entry.image, path],
                            "\(entry.image) is \(w)x\(h) but its label \(path) is \(image.width)x\(image.height)")
                }
                guard let plane = image.labelPlane() else {
                    problem(.unexpectedValues, [path], "\(path): an RGB label with real colours (remap it with \(setting: .colors) first)")
                    continue
                }
                result.labelValues = plane.histogram
            }
        }
        return result
    }

    /// A key for "same decoded image": geometry, colour model and the XXH64
    /// of the samples (a chance collision among a million images is about 3e-8).
    static func contentKey(_ image: Image) -> String {
        let hash: UInt64
        switch image.samples {
        case .uint8(let a): hash = a.withUnsafeBytes { XXH64.hash($0) }
        case .uint16(let a): hash = a.withUnsafeBytes { XXH64.hash($0) }
        }
        return "\(image.width)x\(image.height)x\(image.channels)/\(image.sourceBitDepth):\(String(hash, radix: 16))"
    }

    private static func valueFindings(_ entries: [ManifestEntry], _ inspected: [EntryResult], sources: [CheckSource],
                                      flatSplits: [Int], options: CheckOptions) -> [Finding] {
        var findings: [Finding] = []
        var zeroOne: [String] = [], zero255: [String] = []
        for (i, result) in inspected.enumerated() {
            guard let values = result.labelValues, let label = entries[i].label else { continue }
            let present = Set(values.values)
            if options.classes == nil {
                if present.contains(1) && present.isSubset(of: [0, 1]) { zeroOne.append(label) }
                if present.contains(255) && present.isSubset(of: [0, 255]) { zero255.append(label) }
            }
            let rule = options.classes.map(LabelExpectation.values) ?? .binary
            guard let message = LabelValidation.problem(label, values: values, rule: rule) else { continue }
            findings.append(Finding(kind: .unexpectedValues, splits: [sources[flatSplits[i]].name], files: [label], message: message))
        }
        if !zeroOne.isEmpty && !zero255.isEmpty {
            findings.append(Finding(kind: .mixedConventions, splits: [], files: [zeroOne[0], zero255[0]],
                                    message: "\(zeroOne.count) label(s) use 0/1 (e.g. \(zeroOne[0])) and \(zero255.count) use 0/255 (e.g. \(zero255[0]))"))
        }
        return findings
    }

    /// Leaks across splits that must be disjoint, and duplicates inside one split.
    private static func overlapFindings(_ flat: [(Int, ManifestEntry)], _ inspected: [EntryResult], sources: [CheckSource],
                                        options: CheckOptions) throws -> [Finding] {
        var findings: [Finding] = []
        let matcher = try options.groupBy.map { try GroupPattern($0) }
        /// Must splits a and b share nothing? Yes within one set, unless they are
        /// in sibling folders (fold0/train and fold1/train overlap by design).
        func disjoint(_ a: Int, _ b: Int) -> Bool {
            guard sources[a].set == sources[b].set else { return false }
            let fa = sources[a].folder, fb = sources[b].folder
            return sources[a].set == -1 || fa == fb || fb.hasPrefix(fa + "/") || fa.hasPrefix(fb + "/")
        }
        // Entry indices (into `flat`) per file, per content and per group, in input order.
        var byFile: [[UInt64]: [Int]] = [:], byContent: [String: [Int]] = [:], byGroup: [String: [Int]] = [:]
        var order: [String] = []
        for (i, result) in inspected.enumerated() {
            if let id = result.imageID { byFile[id, default: []].append(i) }
            if let key = result.contentKey {
                if byContent[key] == nil { order.append(key) }
                byContent[key, default: []].append(i)
            }
            if let matcher {
                if let group = matcher.group(of: flat[i].1.image) { byGroup[group, default: []].append(i) } else {
                    findings.append(Finding(kind: .ungrouped, splits: [sources[flat[i].0].name], files: [flat[i].1.image],
                                            message: ("\(flat[i].1.image): \(setting: .groupBy) finds no group in this path" as Message).description))
                }
            }
        }
        /// Within a split: each extra entry against the split's first one.
        /// Across splits that must be disjoint: the first entry of each, once per pair of splits.
        /// With `differentFiles`, pairs that are one file (reported as such) are skipped.
        func report(_ indices: [Int], leak: Finding.Kind, duplicate: Finding.Kind, what: String, differentFiles: Bool = false) {
            func sameFile(_ a: Int, _ b: Int) -> Bool {
                differentFiles && inspected[a].imageID != nil && inspected[a].imageID == inspected[b].imageID
            }
            var firstInSplit: [Int: Int] = [:]
            var splitOrder: [Int] = []
            for i in indices {
                let s = flat[i].0
                if let first = firstInSplit[s] {
                    if sameFile(first, i) { continue }
                    let files = [flat[first].1.image, flat[i].1.image]
                    findings.append(Finding(kind: duplicate, splits: [sources[s].name], files: files,
                                            message: "\(what) appears twice in \(sources[s].name): \(files[0]) and \(files[1])"))
                } else {
                    firstInSplit[s] = i
                    splitOrder.append(s)
                }
            }
            for (x, sa) in splitOrder.enumerated() {
                for sb in splitOrder[(x + 1)...] where disjoint(sa, sb) && !sameFile(firstInSplit[sa]!, firstInSplit[sb]!) {
                    let files = [flat[firstInSplit[sa]!].1.image, flat[firstInSplit[sb]!].1.image]
                    findings.append(Finding(kind: leak, splits: [sources[sa].name, sources[sb].name], files: files,
                                            message: "\(what) is in both \(sources[sa].name) (\(files[0])) and \(sources[sb].name) (\(files[1]))"))
                }
            }
        }
        for indices in byFile.values.filter({ $0.count > 1 }).sorted(by: { $0[0] < $1[0] }) {
            report(indices, leak: .leakFile, duplicate: .duplicateFile, what: "the same file")
        }
        for key in order where byContent[key]!.count > 1 {
            // Identical content under different files (one file's repeats are reported above).
            report(byContent[key]!, leak: .leakContent, duplicate: .duplicateContent, what: "identical image content", differentFiles: true)
        }
        for group in byGroup.keys.sorted(by: NaturalOrder.less) {
            let indices = byGroup[group]!
            var splitsSeen: [Int] = []
            for i in indices where !splitsSeen.contains(flat[i].0) { splitsSeen.append(flat[i].0) }
            for (x, a) in splitsSeen.enumerated() {
                for b in splitsSeen[(x + 1)...] where disjoint(a, b) {
                    findings.append(Finding(kind: .leakGroup, splits: [sources[a].name, sources[b].name], files: [],
                                            message: "group '\(group)' is in both \(sources[a].name) and \(sources[b].name)"))
                }
            }
        }
        return findings
    }
}
