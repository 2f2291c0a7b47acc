import Foundation

/// Whose Rand and VI scores the connectomics family reports: the ISBI 2012
/// challenge's (Fiji: thresholds, thinning, unlabelled pixels as singletons)
/// or scikit-image's (`adapted_rand_error`, `variation_of_information` on
/// the two sides' objects, unlabelled proposal pixels as one segment). Both
/// may be on at once.
public enum RandConvention: String, Sendable, Codable, CaseIterable {
    case fiji, skimage

    /// Parses a comma-separated list (`fiji`, `skimage`, `fiji,skimage`);
    /// an unknown or repeated name is a usage error.
    public static func parseList(_ text: String) throws -> [RandConvention] {
        var out: [RandConvention] = []
        for item in text.lowercased().split(separator: ",", omittingEmptySubsequences: false) {
            let name = item.trimmingCharacters(in: .whitespaces)
            guard let c = RandConvention(rawValue: name) else {
                throw EvalError(.usage, "unknown Rand/VI convention '\(name)' (use \(allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            guard !out.contains(c) else { throw EvalError(.usage, "Rand/VI convention '\(name)' is given twice") }
            out.append(c)
        }
        return out
    }
}
