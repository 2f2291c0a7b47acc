/// The salient-object metrics (PySODMetrics 1.6 conventions), declared once;
/// ``MetricFamily/salient`` lists them.
public enum SalientMetrics {
    /// Mean absolute error.
    public static let mae = Metric(key: "MAE", group: "mae", direction: .lowerIsBetter, headline: true,
                                   summary: "mean absolute error between the normalised map p and the GT g")
    /// Maximum F-measure.
    public static let maxF = Metric(key: "maxF", group: "f", headline: true,
                                    summary: "maximum over thresholds of the image-averaged F-measure (β² = 0.3; `--f-curve`)")
    /// Mean F-measure.
    public static let meanF = Metric(key: "meanF", group: "f", summary: "mean over thresholds of the image-averaged F-measure")
    /// Adaptive F-measure.
    public static let adpF = Metric(key: "adpF", group: "f", summary: "F-measure at the adaptive threshold min(2·mean(p), 1)")
    /// S-measure.
    public static let sm = Metric(key: "Sm", group: "s", headline: true, summary: "structure measure (α = 0.5)")
    /// Maximum E-measure.
    public static let maxEm = Metric(key: "maxEm", group: "e", summary: "maximum over thresholds of the image-averaged E-measure")
    /// Mean E-measure.
    public static let meanEm = Metric(key: "meanEm", group: "e", headline: true, summary: "mean over thresholds of the image-averaged E-measure")
    /// Adaptive E-measure.
    public static let adpEm = Metric(key: "adpEm", group: "e", summary: "E-measure at the adaptive threshold")
    /// Weighted F-measure.
    public static let wF = Metric(key: "wF", group: "wf", headline: true, summary: "weighted F-measure (Margolin et al., β² = 1)")
}

extension MetricFamily {
    /// The salient-object family: two classes only, five groups.
    public static let salient = MetricFamily(
        id: "salient", title: "salient-object", reference: "PySODMetrics 1.6", reportRank: 0,
        groups: [
            MetricGroup(token: "mae", summary: "MAE", isOn: { $0.salient.mae }, set: { $0.salient.mae = $1 }),
            MetricGroup(token: "f", summary: "F-measure: maxF, meanF, adpF, precision-recall and F curves", hasCurves: true,
                        isOn: { $0.salient.fMeasure }, set: { $0.salient.fMeasure = $1 }),
            MetricGroup(token: "s", summary: "S-measure Sm", isOn: { $0.salient.sMeasure }, set: { $0.salient.sMeasure = $1 }),
            MetricGroup(token: "e", summary: "E-measure: maxEm, meanEm, adpEm and its curve", hasCurves: true,
                        isOn: { $0.salient.eMeasure }, set: { $0.salient.eMeasure = $1 }),
            MetricGroup(token: "wf", summary: "weighted F-measure wF", isOn: { $0.salient.weightedF }, set: { $0.salient.weightedF = $1 }),
        ],
        metrics: [SalientMetrics.mae, SalientMetrics.maxF, SalientMetrics.meanF, SalientMetrics.adpF, SalientMetrics.sm,
                  SalientMetrics.maxEm, SalientMetrics.meanEm, SalientMetrics.adpEm, SalientMetrics.wF],
        perImage: [SalientMetrics.mae, SalientMetrics.adpF, SalientMetrics.maxF, SalientMetrics.meanF, SalientMetrics.sm,
                   SalientMetrics.adpEm, SalientMetrics.maxEm, SalientMetrics.meanEm, SalientMetrics.wF],
        worstByDefaults: [SalientMetrics.wF, SalientMetrics.maxF],
        requirement: "need two classes", leavesPixelsOut: false, conventions: { salientConventions($0.config) }, isAvailable: { $0 == 2 },
        dataset: salientValues(_:), image: salientValues(_:))

    /// GT rule, normalisation, β², curve convention and empty GT.
    private static func salientConventions(_ c: EvalConfig) -> FamilyConventions {
        FamilyConventions(
            summary: "GT > 128, prediction min-max normalised, F β² = \(c.salient.beta2), "
                + "maxF/meanF from \(c.salient.fCurve == .meanF ? "per-image F averaged over images" : "precision and recall averaged over images (meanPR)"), empty GT: \(c.salient.emptyGT.rawValue)",
            json: [
                "f_curve": c.salient.fCurve.rawValue,
                "beta2": c.salient.beta2,
                "alpha": c.salient.alpha,
                "empty_gt": c.salient.emptyGT.rawValue,
                "gt": "value > 128",
                "prediction": "v/max, min-max normalised unless constant",
            ])
    }

    /// Dataset values: means over images, and the image-averaged curves.
    private static func salientValues(_ state: EvalState) -> MetricValues {
        let s = state.config.salient
        var out = MetricValues()
        out.scalars[SalientMetrics.mae.key] = state.mae.mean
        if s.fMeasure {
            let p = state.precision.means, r = state.recall.means
            let curve: [Double]
            switch s.fCurve {
            case .meanF:
                curve = state.fCurve.means
            case .meanPR:
                curve = zip(p, r).map { p, r in
                    let numerator = (1 + s.beta2) * p * r
                    return numerator == 0 ? 0 : numerator / (s.beta2 * p + r)
                }
            }
            let summary = curveSummary(curve)
            out.scalars[SalientMetrics.maxF.key] = summary.max
            out.scalars[SalientMetrics.meanF.key] = summary.mean
            out.curves.precision = p
            out.curves.recall = r
            out.curves.f = curve
            out.curves.maxFThreshold = summary.argmax
        }
        out.scalars[SalientMetrics.adpF.key] = state.adaptiveF.mean
        out.scalars[SalientMetrics.sm.key] = state.sMeasure.mean
        if s.eMeasure {
            let curve = state.eCurve.means
            let summary = curveSummary(curve)
            out.scalars[SalientMetrics.maxEm.key] = summary.max
            out.scalars[SalientMetrics.meanEm.key] = summary.mean
            out.curves.e = curve
        }
        out.scalars[SalientMetrics.adpEm.key] = state.adaptiveE.mean
        out.scalars[SalientMetrics.wF.key] = state.weightedF.mean
        return out
    }

    /// One image's values; maxF/meanF and maxEm/meanEm from its own curves.
    private static func salientValues(_ result: ImageResult) -> MetricValues {
        var out = MetricValues()
        guard let s = result.salient else { return out }
        out.scalars[SalientMetrics.mae.key] = s.mae ?? .nan
        out.scalars[SalientMetrics.adpF.key] = s.adaptiveF ?? .nan
        let f = curveSummary(s.fCurve)
        out.scalars[SalientMetrics.maxF.key] = f.max
        out.scalars[SalientMetrics.meanF.key] = f.mean
        out.scalars[SalientMetrics.sm.key] = s.sMeasure ?? .nan
        out.scalars[SalientMetrics.adpEm.key] = s.adaptiveE ?? .nan
        let e = curveSummary(s.eCurve)
        out.scalars[SalientMetrics.maxEm.key] = e.max
        out.scalars[SalientMetrics.meanEm.key] = e.mean
        out.scalars[SalientMetrics.wF.key] = s.weightedF ?? .nan
        return out
    }
}
