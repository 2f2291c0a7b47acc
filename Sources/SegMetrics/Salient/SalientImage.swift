/// `np.spacing(1)`, the epsilon PySODMetrics adds to denominators.
let machineEpsilon = Double.ulpOfOne

/// Computes PySODMetrics' per-image scores from a joint histogram (and, for
/// the weighted F-measure, the per-pixel maps).
enum SalientImage {
    /// - Parameters:
    ///   - histogram: counts split at the ground-truth centroid.
    ///   - scale: 255 for 8-bit predictions, 65535 for 16-bit.
    ///   - weightedF: computes the weighted F-measure given the normalised
    ///     levels (called only when requested and the ground truth is not empty).
    static func scores(_ histogram: JointHistogram, scale: Double, options: SalientOptions,
                       weightedF: (NormalisedLevels) -> Double) -> SalientScores {
        let levels = histogram.levels
        let fg = histogram.levelCounts(gtClass: 1), bg = histogram.levelCounts(gtClass: 0)
        var total = 0, gtForeground = 0, minLevel = levels, maxLevel = -1
        for v in 0..<levels where fg[v] + bg[v] > 0 {
            total += fg[v] + bg[v]
            gtForeground += fg[v]
            minLevel = min(minLevel, v)
            maxLevel = max(maxLevel, v)
        }
        var scores = SalientScores()
        guard total > 0 else { return scores }
        let gtEmpty = gtForeground == 0
        if gtEmpty && options.emptyGT == .skip {
            scores.precision = Array(repeating: nil, count: 256)
            scores.recall = scores.precision
            scores.fCurve = scores.precision
            scores.eCurve = scores.precision
            return scores
        }
        let p = NormalisedLevels(levels: levels, scale: scale, minLevel: minLevel, maxLevel: maxLevel)
        let n = Double(total)

        var sumP = 0.0, sumAbs = 0.0
        for v in minLevel...maxLevel where fg[v] + bg[v] > 0 {
            let value = p.values[v]
            sumP += Double(fg[v] + bg[v]) * value
            sumAbs += Double(fg[v]) * (1 - value) + Double(bg[v]) * value
        }
        let meanP = sumP / n
        if options.mae { scores.mae = sumAbs / n }

        // Adaptive threshold, compared on the normalised values.
        let threshold = min(2 * meanP, 1)
        scores.adaptiveThreshold = threshold
        var adaptiveTP = 0, adaptivePredicted = 0
        for v in minLevel...maxLevel where p.values[v] >= threshold {
            adaptiveTP += fg[v]
            adaptivePredicted += fg[v] + bg[v]
        }
        if options.fMeasure {
            scores.adaptiveF = fMeasure(tp: adaptiveTP, predicted: adaptivePredicted, gt: gtForeground,
                                        beta2: options.beta2, empty: options.emptyGT)
        }
        if options.eMeasure {
            scores.adaptiveE = eMeasure(tp: adaptiveTP, predicted: adaptivePredicted, gt: gtForeground, total: total)
        }

        if options.fMeasure || options.eMeasure {
            var fgBins = [Int](repeating: 0, count: 256), bgBins = fgBins
            for v in minLevel...maxLevel {
                fgBins[p.bins[v]] += fg[v]
                bgBins[p.bins[v]] += bg[v]
            }
            var precision = [Double?](repeating: nil, count: 256)
            var recall = precision, fCurve = precision, eCurve = precision
            var tp = 0, predicted = 0
            let gtDenominator = Double(max(gtForeground, 1))
            for t in stride(from: 255, through: 0, by: -1) {
                tp += fgBins[t]
                predicted += fgBins[t] + bgBins[t]
                if options.fMeasure {
                    let pr = Double(tp) / Double(predicted == 0 ? 1 : predicted)
                    let rc = Double(tp) / gtDenominator
                    let numerator = (1 + options.beta2) * pr * rc
                    let f = numerator / (numerator == 0 ? 1 : options.beta2 * pr + rc)
                    if gtEmpty {
                        let empty = predicted == 0
                        precision[t] = options.emptyGT.resolve(predictionEmpty: empty, formula: pr)
                        // Recall TP / #GT is 0/0 whatever was predicted.
                        recall[t] = options.emptyGT.resolve(predictionEmpty: true, formula: rc)
                        fCurve[t] = options.emptyGT.resolve(predictionEmpty: empty, formula: f)
                    } else {
                        precision[t] = pr
                        recall[t] = rc
                        fCurve[t] = f
                    }
                }
                if options.eMeasure {
                    eCurve[t] = eMeasure(tp: tp, predicted: predicted, gt: gtForeground, total: total)
                }
            }
            scores.precision = precision
            scores.recall = recall
            scores.fCurve = fCurve
            scores.eCurve = eCurve
        }

        if options.sMeasure {
            scores.sMeasure = sMeasure(histogram, p: p, total: total, gtForeground: gtForeground,
                                       meanP: meanP, alpha: options.alpha)
        }
        if options.weightedF {
            if gtEmpty {
                scores.weightedF = options.emptyGT.resolve(predictionEmpty: maxLevel == 0 || p.values[maxLevel] == 0, formula: 0)
            } else {
                scores.weightedF = weightedF(p)
            }
        }
        return scores
    }

    /// F-measure of one binarisation (PySODMetrics `cal_adaptive_fm`).
    static func fMeasure(tp: Int, predicted: Int, gt: Int, beta2: Double, empty: EmptyGTConvention) -> Double? {
        if gt == 0 { return empty.resolve(predictionEmpty: predicted == 0, formula: 0) }
        if tp == 0 { return 0 }
        let precision = Double(tp) / Double(predicted)
        let recall = Double(tp) / Double(gt)
        return (1 + beta2) * precision * recall / (beta2 * precision + recall)
    }

    /// Enhanced-alignment measure of one binarisation from its counts
    /// (PySODMetrics `cal_em_with_threshold`).
    static func eMeasure(tp: Int, predicted: Int, gt: Int, total: Int) -> Double {
        let predictedBackground = total - predicted
        let sum: Double
        if gt == 0 {
            sum = Double(predictedBackground)
        } else if gt == total {
            sum = Double(predicted)
        } else {
            let fp = predicted - tp
            let fn = gt - tp
            let tn = predictedBackground - fn
            let meanPred = Double(predicted) / Double(total)
            let meanGT = Double(gt) / Double(total)
            let predFG = 1 - meanPred, predBG = 0 - meanPred
            let gtFG = 1 - meanGT, gtBG = 0 - meanGT
            func part(_ count: Int, _ a: Double, _ b: Double) -> Double {
                let align = 2 * (a * b) / (a * a + b * b + machineEpsilon)
                let enhanced = (align + 1) * (align + 1) / 4
                return enhanced * Double(count)
            }
            sum = part(tp, predFG, gtFG) + part(fp, predFG, gtBG) + part(fn, predBG, gtFG) + part(tn, predBG, gtBG)
        }
        return sum / (Double(total) - 1 + machineEpsilon)
    }

    /// Structure measure (PySODMetrics `Smeasure.cal_sm`).
    static func sMeasure(_ h: JointHistogram, p: NormalisedLevels, total: Int, gtForeground: Int,
                         meanP: Double, alpha: Double) -> Double {
        let y = Double(gtForeground) / Double(total)
        if gtForeground == 0 { return 1 - meanP }
        if gtForeground == total { return meanP }
        let fg = h.levelCounts(gtClass: 1), bg = h.levelCounts(gtClass: 0)
        let objectFG = objectScore(counts: fg, value: { p.values[$0] }) * y
        let objectBG = objectScore(counts: bg, value: { 1 - p.values[$0] }) * (1 - y)
        let object = objectFG + objectBG

        let area = h.width * h.height
        let cy = h.splitRow, cx = h.splitColumn, w = h.width, hh = h.height
        let wLT = Double(cx * cy) / Double(area)
        let wRT = Double(cy * (w - cx)) / Double(area)
        let wLB = Double((hh - cy) * cx) / Double(area)
        let wRB = 1 - wLT - wRT - wLB
        let weights = [wLT, wRT, wLB, wRB]
        var region = 0.0
        for q in 0..<4 {
            region += ssim(h, quadrant: q, p: p) * weights[q]
        }
        return max(0, object * alpha + region * (1 - alpha))
    }

    /// `2x̄ / (x̄² + 1 + σ + ε)` with the sample standard deviation.
    private static func objectScore(counts: [Int], value: (Int) -> Double) -> Double {
        var n = 0, sum = 0.0
        for v in counts.indices where counts[v] > 0 {
            n += counts[v]
            sum += Double(counts[v]) * value(v)
        }
        let mean = sum / Double(n)
        var std = 0.0
        if n > 1 {
            var squares = 0.0
            for v in counts.indices where counts[v] > 0 {
                let d = value(v) - mean
                squares += Double(counts[v]) * (d * d)
            }
            std = (squares / Double(n - 1)).squareRoot()
        }
        return 2 * mean / (mean * mean + 1 + std + machineEpsilon)
    }

    /// PySODMetrics' SSIM of one quadrant; an empty quadrant (the centroid
    /// on the last row or column) contributes 0 where PySODMetrics gives NaN.
    private static func ssim(_ h: JointHistogram, quadrant q: Int, p: NormalisedLevels) -> Double {
        let fg = h.levelCounts(gtClass: 1, quadrants: [q]), bg = h.levelCounts(gtClass: 0, quadrants: [q])
        var n = 0, nFG = 0, sum = 0.0
        for v in fg.indices where fg[v] + bg[v] > 0 {
            n += fg[v] + bg[v]
            nFG += fg[v]
            sum += Double(fg[v] + bg[v]) * p.values[v]
        }
        guard n > 0 else { return 0 }
        let x = sum / Double(n)
        let y = Double(nFG) / Double(n)
        var sx = 0.0, sxy = 0.0
        for v in fg.indices where fg[v] + bg[v] > 0 {
            let d = p.values[v] - x
            sx += Double(fg[v] + bg[v]) * (d * d)
            sxy += Double(fg[v]) * (d * (1 - y)) + Double(bg[v]) * (d * (0 - y))
        }
        let sy = Double(nFG) * ((1 - y) * (1 - y)) + Double(n - nFG) * (y * y)
        let denominator = Double(n) - 1 + machineEpsilon
        let sigmaX = sx / denominator, sigmaY = sy / denominator, sigmaXY = sxy / denominator
        let a = 4 * x * y * sigmaXY
        let b = (x * x + y * y) * (sigmaX + sigmaY)
        if a != 0 { return a / (b + machineEpsilon) }
        return b == 0 ? 1 : 0
    }
}
