import Foundation
import SegCore

/// How the maximum and mean F-measure are taken from per-image curves.
public enum FCurveConvention: String, Sendable, CaseIterable, Codable {
    /// F per image and threshold, averaged over images, then max / mean over
    /// thresholds (PySODMetrics).
    case meanF
    /// Precision and recall averaged over images first, F from the averages
    /// (the MATLAB toolbox and the U²-Net authors' evaluator).
    case meanPR
}
