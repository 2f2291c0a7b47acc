import Foundation

/// The confusion-matrix metrics (mmsegmentation `IoUMetric` conventions),
/// declared once; ``MetricFamily/confusion`` lists them.
public enum ConfusionMetrics {
    /// The `--metrics` group of the whole family.
    public static let group = "iou"
    /// Pixel accuracy.
    public static let aAcc = Metric(key: "aAcc", group: group, summary: "pixel accuracy ΣI / ΣL over all classes")
    /// Intersection over union per class.
    public static let iou = Metric(key: "IoU", group: group, shape: .perClass, headline: true, foreground: true,
                                   summary: "intersection over union I / (L + P − I)")
    /// Accuracy per class.
    public static let acc = Metric(key: "Acc", group: group, shape: .perClass, summary: "class accuracy I / L")
    /// Dice per class.
    public static let dice = Metric(key: "Dice", group: group, shape: .perClass, headline: true, foreground: true,
                                    summary: "Dice 2I / (P + L)")
    /// Precision per class.
    public static let precision = Metric(key: "Precision", group: group, shape: .perClass, summary: "precision I / P")
    /// Recall per class.
    public static let recall = Metric(key: "Recall", group: group, shape: .perClass, summary: "recall I / L")
    /// F-score per class.
    public static let fscore = Metric(key: "Fscore", group: group, shape: .perClass,
                                      summary: "F-score (1 + β²) Pr Re / (β² Pr + Re), β = `--beta`")
    /// Sensitivity (binary data).
    public static let se = Metric(key: "Se", group: group, binaryOnly: true,
                                  summary: "sensitivity TP / (TP + FN) (two classes; = `Recall_1`), from the summed counts")
    /// Specificity (binary data).
    public static let sp = Metric(key: "Sp", group: group, binaryOnly: true,
                                  summary: "specificity TN / (TN + FP) (two classes; = `Recall_0`), from the summed counts")
    /// Matthews correlation coefficient (binary data).
    public static let mcc = Metric(key: "MCC", group: group, binaryOnly: true,
                                   summary: "Matthews correlation (TP·TN − FP·FN) / √((TP+FP)(TP+FN)(TN+FP)(TN+FN)) (two classes; 0 when a sum is 0, as scikit-learn)")
    /// The per-class metrics in output order: the lists of ``ClassScores`` and
    /// the keys of ``EvalState/imageSums``.
    public static let perClass = [iou, acc, dice, precision, recall, fscore]
    /// Class means, one per per-class metric.
    public static let mIoU = Metric.classMean(of: iou, headline: true)
    /// Mean class accuracy.
    public static let mAcc = Metric.classMean(of: acc)
    /// Mean Dice.
    public static let mDice = Metric.classMean(of: dice, headline: true)
    /// Mean precision.
    public static let mPrecision = Metric.classMean(of: precision)
    /// Mean recall.
    public static let mRecall = Metric.classMean(of: recall)
    /// Mean F-score.
    public static let mFscore = Metric.classMean(of: fscore)
}

extension MetricFamily {
    /// The confusion-matrix family: every class count, one group (`iou`).
    public static let confusion = MetricFamily(
        id: "confusion", title: "confusion-matrix", reference: "mmsegmentation IoUMetric", reportRank: 1,
        groups: [MetricGroup(token: ConfusionMetrics.group, summary: "confusion matrix: aAcc, IoU, Acc, Dice, Precision, Recall, Fscore and their means",
                             isOn: { $0.confusion }, set: { $0.confusion = $1 })],
        metrics: [ConfusionMetrics.aAcc, ConfusionMetrics.mIoU, ConfusionMetrics.mAcc, ConfusionMetrics.mDice, ConfusionMetrics.mPrecision,
                  ConfusionMetrics.mRecall, ConfusionMetrics.mFscore, ConfusionMetrics.se, ConfusionMetrics.sp, ConfusionMetrics.mcc]
            + ConfusionMetrics.perClass,
        perImage: [ConfusionMetrics.aAcc, ConfusionMetrics.mIoU, ConfusionMetrics.mDice, ConfusionMetrics.iou, ConfusionMetrics.dice],
        worstByDefaults: [ConfusionMetrics.mIoU], conventions: { confusionConventions($0.config) },
        dataset: confusionValues(_:), image: confusionValues(_:))

    /// Aggregation, classes, ignore index, threshold, empty GT and β.
    private static func confusionConventions(_ c: EvalConfig) -> FamilyConventions {
        FamilyConventions(
            summary: "\(c.aggregate == .dataset ? "pixel counts summed over the dataset" : "per image, then averaged over defined scores"), "
                + "\(c.classes) classes, ignore index \(c.ignoreIndex.map(String.init) ?? "none"), threshold \(c.threshold), empty GT: \(c.confusionEmptyGT.rawValue), F-score β = \(c.fscoreBeta)",
            json: [
                "aggregate": c.aggregate.rawValue,
                "empty_gt": c.confusionEmptyGT.rawValue,
                "classes": c.classes,
                "ignore_index": c.ignoreIndex.map { $0 as Any } ?? NSNull(),
                "threshold": c.threshold,
                "gt_values": c.gtValues.rawValue,
                "pred_values": c.predValues.rawValue,
                "fscore_beta": c.fscoreBeta,
                "counts": "exact integers",
            ])
    }

    /// Dataset values: the summed matrix's scores (`--aggregate dataset`), or
    /// per-image scores averaged (`--aggregate image`).
    private static func confusionValues(_ state: EvalState) -> MetricValues {
        let config = state.config
        var out = MetricValues()
        switch config.aggregate {
        case .dataset:
            let c = ClassScores(state.confusion, beta: config.fscoreBeta, empty: config.confusionEmptyGT)
            out.scalars[ConfusionMetrics.aAcc.key] = c.aAcc ?? .nan
            for (metric, values) in zip(ConfusionMetrics.perClass, c.lists.map(\.values)) {
                out.lists[metric.key] = values.map { $0 ?? .nan }
                out.scalars[Metric.classMean(of: metric).key] = meanOfDefined(values)
            }
            binaryScores(c, into: &out)
        case .image:
            out.scalars[ConfusionMetrics.aAcc.key] = state.imageAAcc.mean
            for metric in ConfusionMetrics.perClass {
                let sums = state.imageSums[metric.key]!
                // Mean over every defined (image, class) score.
                let total = sums.sums.reduce(into: FixedSum()) { $0.merge($1) }
                out.lists[metric.key] = sums.means
                out.scalars[Metric.classMean(of: metric).key] = total.mean
            }
            if config.classes == 2 {
                let recall = state.imageSums[ConfusionMetrics.recall.key]!.means
                out.scalars[ConfusionMetrics.se.key] = recall[1]
                out.scalars[ConfusionMetrics.sp.key] = recall[0]
                out.scalars[ConfusionMetrics.mcc.key] = state.imageMCC?.mean ?? .nan
            }
        }
        return out
    }

    /// Se, Sp and MCC of a two-class matrix's scores.
    private static func binaryScores(_ c: ClassScores, into out: inout MetricValues) {
        guard c.recall.count == 2 else { return }
        out.scalars[ConfusionMetrics.se.key] = c.recall[1] ?? .nan
        out.scalars[ConfusionMetrics.sp.key] = c.recall[0] ?? .nan
        out.scalars[ConfusionMetrics.mcc.key] = c.mcc ?? .nan
    }

    /// One image's values: its own matrix's scores.
    private static func confusionValues(_ result: ImageResult) -> MetricValues {
        var out = MetricValues()
        guard let c = result.classScores else { return out }
        out.scalars[ConfusionMetrics.aAcc.key] = c.aAcc ?? .nan
        for (metric, values) in zip(ConfusionMetrics.perClass, c.lists.map(\.values)) {
            out.lists[metric.key] = values.map { $0 ?? .nan }
            out.scalars[Metric.classMean(of: metric).key] = meanOfDefined(values)
        }
        binaryScores(c, into: &out)
        return out
    }
}
