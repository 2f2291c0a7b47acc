/// How a family states the conventions a run used: one line under the
/// table (`salient-object metrics: PySODMetrics 1.6 conventions (…)`) and
/// the entry under its id in the JSON `conventions` object.
public struct FamilyConventions {
    /// What the line says after `TITLE metrics: REFERENCE conventions `, in parentheses.
    public let summary: String
    /// The JSON entry (`reference` is added from the family).
    public let json: [String: Any]

    /// A statement: `summary` for the line, `json` for the JSON entry.
    public init(summary: String, json: [String: Any]) {
        self.summary = summary
        self.json = json
    }
}
