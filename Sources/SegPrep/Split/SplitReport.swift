import Dispatch
import Foundation
import SegFiles
import SegCore
import SegImage
#if canImport(Glibc)
import Glibc
#endif

/// The outcome of a split, for the report.
public struct SplitReport: Sendable {
    public let plan: SplitPlan
    public let measures: [PairMeasure]
    /// Manifest and record files written, relative to the output folder.
    public let written: [String]
    public let unpairedImages: [String]
    public let unpairedLabels: [String]
    public let testImages: Int

    /// One row per split (or fold): units, pairs and pixels, with each as a
    /// share of the whole, so grouped splits show how close they came.
    public func table() -> Table {
        let totalUnits = max(1, plan.unitCounts.reduce(0, +))
        let totalPairs = max(1, plan.pairs.count)
        let totalPixels = max(1, measures.reduce(0) { $0 + $1.pixels })
        let buckets = plan.folds ?? plan.splits
        let names = plan.folds == nil ? SplitName.allCases.map(\.rawValue) : buckets.indices.map { "fold\($0) val" }
        var table = Table(columns: ["split", "units", "pairs", "pixels", "unit share", "pair share", "pixel share"])
        for (i, indices) in buckets.enumerated() {
            let pixels = indices.reduce(0) { $0 + measures[$1].pixels }
            table.rows.append([names[i], String(plan.unitCounts[i]), String(indices.count), String(pixels),
                               percent(plan.unitCounts[i], totalUnits), percent(indices.count, totalPairs), percent(pixels, totalPixels)])
        }
        return table
    }

    private func percent(_ part: Int, _ whole: Int) -> String {
        String(format: "%.1f%%", 100 * Double(part) / Double(whole))
    }
}
