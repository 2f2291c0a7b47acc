import Dispatch
import Foundation
import SegFiles
import SegCore
import SegImage
#if canImport(Glibc)
import Glibc
#endif

/// Pairs, measures, plans and writes.
public enum SplitJob {
    public static func run(_ options: SplitJobOptions, progress: ProgressBar? = nil) throws -> SplitReport {
        let images = try InputFiles.collect([options.images])
        let labels = try InputFiles.collect([options.labels])
        let pairing = Pairing(images: images, labels: labels, rule: options.pairing)
        if let clash = pairing.ambiguous.first {
            throw PrepError("ambiguous pairing: \(clash.paths.joined(separator: ", ")) share the key '\(clash.key)'")
        }
        let lonely = pairing.unpairedImages.map(\.path) + pairing.unpairedLabels.map(\.path)
        if !lonely.isEmpty && !options.allowUnpaired {
            let shown = lonely.prefix(10).joined(separator: ", ")
            throw PrepError("\(pairing.unpairedImages.count) image(s) without a label and \(pairing.unpairedLabels.count) label(s) without an image: \(shown)\(lonely.count > 10 ? ", …" : ""); \(pairing.unmatchedSummary) (\(setting: .imageSuffix)/\(setting: .labelSuffix)/\(setting: .key) pair other names; \(setting: .allowUnpaired) skips them)")
        }
        guard !pairing.pairs.isEmpty else { throw PrepError("no image/label pairs found in \(options.images) and \(options.labels)") }
        let measures = try measure(pairing.pairs, foreground: options.split.stratify != nil, options: options, progress: progress)
        let plan = try Splitter.plan(pairing.pairs, options: options.split, measures: measures)
        let tests = try options.testImages.map { try InputFiles.collect([$0]) } ?? []
        if !tests.isEmpty && plan.splits.count == 3 && !plan.splits[2].isEmpty {
            throw PrepError("\(setting: .ratio) already makes a test split; drop \(setting: .testImages) or the third part of \(setting: .ratio)")
        }
        let written = try write(plan, tests: tests, measures: measures, options: options)
        return SplitReport(plan: plan, measures: measures, written: written,
                           unpairedImages: pairing.unpairedImages.map(\.path), unpairedLabels: pairing.unpairedLabels.map(\.path),
                           testImages: tests.count)
    }

    /// Image pixel counts from headers, and label foreground counts when asked, on all cores.
    static func measure(_ pairs: [DatasetPair], foreground: Bool, options: SplitJobOptions,
                        progress: ProgressBar?) throws -> [PairMeasure] {
        let results = ResultSlots<Result<PairMeasure, Error>>(count: pairs.count)
        DispatchQueue.concurrentPerform(iterations: max(1, min(options.workers, pairs.count))) { worker in
            var i = worker
            while i < pairs.count {
                results.set(i, Result {
                    let info = try ImageReader.info(pairs[i].image.path, options: options.decode)
                    var measure = PairMeasure(pixels: info.width * info.height)
                    if let label = pairs[i].label {
                        // Headers are cheap: a pair whose sizes differ never reaches a manifest.
                        let labelInfo = try ImageReader.info(label.path, options: options.decode)
                        if (labelInfo.width, labelInfo.height) != (info.width, info.height) {
                            throw PrepError("\(pairs[i].image.path) is \(info.width)x\(info.height) but its label \(label.path) is \(labelInfo.width)x\(labelInfo.height)")
                        }
                    }
                    if foreground, let label = pairs[i].label {
                        let image = try ImageReader.read(label.path, options: options.decode)
                        guard let plane = image.labelPlane() else {
                            throw PrepError("\(label.path): an RGB label cannot be measured; remap it first")
                        }
                        // Stratifying by foreground counts damaged values as foreground: refuse them as check does.
                        if let problem = LabelValidation.problem(label.path, values: plane.histogram, rule: options.labelValues,
                                                                  palette: image.colorModel == .palette) {
                            throw PrepError("\(problem); repair the labels first (\(setting: .step("remap")) \(setting: .nearest) or \(setting: .threshold))")
                        }
                        measure.foreground = plane.nonZeroCount
                    }
                    return measure
                })
                progress?.advance()
                i += max(1, min(options.workers, pairs.count))
            }
        }
        return try results.values.map { try $0!.get() }
    }

    /// Writes every manifest and split.json; returns their paths relative to the output folder.
    static func write(_ plan: SplitPlan, tests: [InputFile], measures: [PairMeasure], options: SplitJobOptions) throws -> [String] {
        try createFolder(options.out)
        let outRoot = InputFiles.canonical(options.out)
        let ext = options.format.rawValue
        /// A data file's path as written in a manifest inside `folder` (relative to the output root):
        /// the name the user gave (a link stays a link), its folder resolved so the path always works.
        func shown(_ path: String, in folder: String = "") -> String {
            let real = InputFiles.resolvedFolder(path)
            return options.absolute ? real : Manifest.relativePath(from: folder.isEmpty ? outRoot : outRoot + "/" + folder, to: real)
        }
        func entries(_ indices: [Int], in folder: String = "") -> [ManifestEntry] {
            indices.map { ManifestEntry(image: shown(plan.pairs[$0].image.path, in: folder),
                                        label: plan.pairs[$0].label.map { shown($0.path, in: folder) }) }
        }
        var files: [(String, String)] = []  // (relative name, content)
        if let folds = plan.folds {
            var nnunet: [[String: Any]] = []
            for (f, val) in folds.enumerated() {
                let valSet = Set(val)
                let train = plan.pairs.indices.filter { !valSet.contains($0) }
                files.append(("fold\(f)/train.\(ext)", try Manifest.render(entries(train, in: "fold\(f)"), format: options.format)))
                files.append(("fold\(f)/val.\(ext)", try Manifest.render(entries(val, in: "fold\(f)"), format: options.format)))
                nnunet.append(["train": train.map { plan.pairs[$0].key }, "val": val.map { plan.pairs[$0].key }])
            }
            files.append(("splits_final.json", JSONText.encode(nnunet)))
        } else {
            for (s, indices) in plan.splits.enumerated() where !indices.isEmpty {
                files.append(("\(SplitName.allCases[s].rawValue).\(ext)", try Manifest.render(entries(indices), format: options.format)))
            }
        }
        if !tests.isEmpty {
            files.append(("test.\(ext)", try Manifest.render(tests.map { ManifestEntry(image: shown($0.path), label: nil) },
                                                              format: options.format)))
        }
        // The record: how it was made, and hashes to re-verify every file later.
        var dataFiles: [String: String] = [:]
        for pair in plan.pairs {
            dataFiles[shown(pair.image.path)] = try fileHash(pair.image.path)
            if let label = pair.label { dataFiles[shown(label.path)] = try fileHash(label.path) }
        }
        for test in tests { dataFiles[shown(test.path)] = try fileHash(test.path) }
        var record: [String: Any] = [
            "version": 1,
            "command": options.commandLine,
            "seed": options.split.seed.map { NSNumber(value: $0) as Any } ?? NSNull(),
            "shuffle": options.split.seed != nil,
            "format": ext,
            "absolute_paths": options.absolute,
            "pairs": plan.pairs.count,
            "files": dataFiles,
            "manifests": Dictionary(uniqueKeysWithValues: files.map { ($0.0, SHA256.hex(Array($0.1.utf8))) }),
        ]
        record["group_by"] = options.split.groupBy ?? NSNull()
        record["stratify"] = options.split.stratify.map { $0.bins == 1 ? "fg" : "fg:\($0.bins)" } ?? NSNull()
        record["label_suffix"] = options.pairing.labelSuffix ?? NSNull()
        record["image_suffix"] = options.pairing.imageSuffix ?? NSNull()
        record["key"] = options.pairing.keyPattern ?? NSNull()
        if let folds = plan.folds {
            record["folds"] = folds.count
            record["counts"] = folds.enumerated().map { ["fold": $0.offset, "val_pairs": $0.element.count, "units": plan.unitCounts[$0.offset]] }
        } else {
            var counts: [String: Any] = [:]
            for (s, indices) in plan.splits.enumerated() {
                let pixels = indices.reduce(0) { $0 + measures[$1].pixels }
                counts[SplitName.allCases[s].rawValue] = ["pairs": indices.count, "units": plan.unitCounts[s], "pixels": pixels]
            }
            counts["test_images"] = tests.count
            record["counts"] = counts
        }
        files.append(("split.json", JSONText.encode(record)))

        // Any earlier split here — in any format, with any number of folds — would be read
        // together with this one by `check` and by people: replace it whole or not at all.
        let existing = previousSplitFiles(in: outRoot)
        if !existing.isEmpty && !options.force {
            throw FileError(.exists, path: options.out, "already holds \(existing.joined(separator: ", ")) (refusing to overwrite)")
        }
        let writing = Set(files.map(\.0))
        for stale in existing where !writing.contains(stale) {
            try? FileManager.default.removeItem(atPath: outRoot + "/" + stale)
            let folder = (stale as NSString).deletingLastPathComponent  // a foldK/ left empty goes too
            if !folder.isEmpty, (try? FileManager.default.contentsOfDirectory(atPath: outRoot + "/" + folder))?.isEmpty == true {
                try? FileManager.default.removeItem(atPath: outRoot + "/" + folder)
            }
        }
        for (name, content) in files {
            let path = outRoot + "/" + name
            try createParentFolder(of: path)
            try AtomicFile.write(Array(content.utf8), to: path)
        }
        return files.map(\.0)
    }

    /// Files of an earlier split in `folder`: split.json, splits_final.json,
    /// train/val/test manifests in any format, and those in `foldK/`.
    static func previousSplitFiles(in folder: String) -> [String] {
        let fm = FileManager.default
        var found = ["split.json", "splits_final.json"].filter { fm.fileExists(atPath: folder + "/" + $0) }
        found += Checker.manifestFiles(in: folder)
        return NaturalOrder.sorted(Array(Set(found)))
    }

    static func fileHash(_ path: String) throws -> String {
        SHA256.hex(try FileBytes.read(path))
    }
}

