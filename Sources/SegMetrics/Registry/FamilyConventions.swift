/// How a family states the conventions a run used: one line under the
/// table (`salient-object metrics: PySODMetrics 1.6 conventions (…)`) and
/// the entry under its id in the JSON `conventions` object.
public struct FamilyConventions {
    /// What the line says after `TITLE metrics: REFERENCE conventions `, in parentheses.
    public let summary: String
    /// The JSON entry (`reference` is added from the family).
    public let json: [String: Any]
    /// The library the run followed when the family lets the user choose
    /// (`--distance-convention`); nil: the family's ``MetricFamily/reference``.
    public let reference: String?

    /// A statement: `summary` for the line, `json` for the JSON entry.
    public init(summary: String, json: [String: Any], reference: String? = nil) {
        self.summary = summary
        self.json = json
        self.reference = reference
    }
}
