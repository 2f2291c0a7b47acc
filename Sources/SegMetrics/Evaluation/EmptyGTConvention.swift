/// What to do with a score that is undefined or degenerate because the
/// ground truth has no foreground (see docs/metrics.md for each library's choice).
public enum EmptyGTConvention: String, Sendable, CaseIterable, Codable {
    /// 0/0 is undefined and left out of the mean; an empty ground truth with
    /// a non-empty prediction scores 0 (mmseg, torchmetrics).
    case nan
    /// Always 0 (PySODMetrics).
    case zero
    /// 0/0 scores 1; a non-empty prediction scores 0 (segmentation_models_pytorch
    /// `zero_division=1`, MONAI `ignore_empty=False`).
    case one
    /// Every score of an image (or class) with an empty ground truth is left
    /// out, whatever was predicted (MONAI `ignore_empty=True`).
    case skip

    /// Parses `--empty-gt`: one convention for every family (`skip`), or
    /// per family (`iou=skip,salient=zero,match=one`; `confusion`, `sod` and
    /// `instance` also work).
    public static func parse(_ text: String) throws -> EmptyGTChoice {
        if let every = EmptyGTConvention(rawValue: text) { return EmptyGTChoice(confusion: every, salient: every, instance: every) }
        var choice = EmptyGTChoice()
        for item in text.split(separator: ",") {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let value = EmptyGTConvention(rawValue: parts[1]) else {
                throw EvalError(.usage, "'\(item)': use nan, zero, one or skip, optionally per family (iou=skip,salient=zero,match=one)")
            }
            switch parts[0] {
            case "iou", "confusion": choice.confusion = value
            case "salient", "sod": choice.salient = value
            case "match", "instance": choice.instance = value
            default: throw EvalError(.usage, "unknown family '\(parts[0])': use iou, salient or match")
            }
        }
        return choice
    }

    /// The score of a ratio whose ground truth is empty, given whether the
    /// prediction is empty too and what the formula gives otherwise.
    func resolve(predictionEmpty: Bool, formula: Double) -> Double? {
        switch self {
        case .zero: return predictionEmpty ? 0 : formula
        case .nan: return predictionEmpty ? nil : formula
        case .one: return predictionEmpty ? 1 : formula
        case .skip: return nil
        }
    }
}

/// The `--empty-gt` conventions per family (nil: the family's default).
public struct EmptyGTChoice: Sendable, Equatable {
    public var confusion: EmptyGTConvention?, salient: EmptyGTConvention?, instance: EmptyGTConvention?

    /// The conventions given (nil: not given).
    public init(confusion: EmptyGTConvention? = nil, salient: EmptyGTConvention? = nil, instance: EmptyGTConvention? = nil) {
        (self.confusion, self.salient, self.instance) = (confusion, salient, instance)
    }
}
