/// The confusion-matrix scores of one matrix (an image, or a whole dataset
/// in mmseg's convention), per class; nil marks an undefined score.
public struct ClassScores: Sendable, Equatable {
    public var aAcc: Double?
    public var iou: [Double?]
    public var acc: [Double?]
    public var dice: [Double?]
    public var precision: [Double?]
    public var recall: [Double?]
    public var fscore: [Double?]
    /// Matthews correlation of a two-class matrix (nil for more classes); 0
    /// when a row or column sum is 0, as scikit-learn's `matthews_corrcoef`.
    public var mcc: Double?

    /// The per-class lists by name (their ``ConfusionMetrics/perClass`` keys,
    /// also the keys of ``EvalState/imageSums`` in state files), in output order.
    public static let listNames = ConfusionMetrics.perClass.map(\.key)

    /// The per-class lists paired with ``listNames``.
    public var lists: [(name: String, values: [Double?])] {
        Array(zip(Self.listNames, [iou, acc, dice, precision, recall, fscore])).map { ($0.0, $0.1) }
    }

    /// Scores of `m`: IoU = I/U, Acc = Recall = I/label, Dice = 2I/(pred+label),
    /// Precision = I/pred, F = (1+β²)PR/(β²P+R). A 0/0 follows `empty`;
    /// with `.skip` every score of a class absent from the ground truth is nil.
    public init(_ m: ConfusionMatrix, beta: Double, empty: EmptyGTConvention) {
        func ratio(_ num: UInt64, _ den: UInt64, absent: Bool) -> Double? {
            if absent && empty == .skip { return nil }
            if den == 0 {
                switch empty {
                case .nan, .skip: return nil
                case .zero: return 0
                case .one: return 1
                }
            }
            return Double(num) / Double(den)
        }
        let k = m.classes
        var intersectAll: UInt64 = 0, labelAll: UInt64 = 0
        iou = []; acc = []; dice = []; precision = []; recall = []; fscore = []
        for c in 0..<k {
            let i = m.intersection(c), l = m.label(c), p = m.predicted(c)
            intersectAll += i
            labelAll += l
            let absent = l == 0
            iou.append(ratio(i, l + p - i, absent: absent))
            acc.append(ratio(i, l, absent: absent))
            dice.append(ratio(2 * i, p + l, absent: absent))
            let pr = ratio(i, p, absent: absent), rc = ratio(i, l, absent: absent)
            precision.append(pr)
            recall.append(rc)
            if let pr, let rc {
                let b2 = beta * beta
                let den = b2 * pr + rc
                // P = R = 0 with predictions and labels present: mmseg's 0/0 is NaN;
                // otherwise no true positive means F = 0.
                fscore.append(den == 0 ? (empty == .nan || empty == .skip ? nil : 0) : (1 + b2) * (pr * rc) / den)
            } else {
                fscore.append(nil)
            }
        }
        aAcc = ratio(intersectAll, labelAll, absent: false)
        if k == 2 {
            let tn = Double(m.intersection(0)), tp = Double(m.intersection(1))
            let fp = Double(m.predicted(1)) - tp, fn = Double(m.label(1)) - tp
            let den = ((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)).squareRoot()
            mcc = den == 0 ? 0 : (tp * tn - fp * fn) / den
        }
    }
}
