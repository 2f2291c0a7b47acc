/// Which values a label may hold.
public enum LabelExpectation: Sendable, Equatable {
    /// Binary masks: 0/1 or 0/255, whichever covers more of the label.
    case binary
    /// Exactly these values (`--classes 0,1,2`).
    case values(Set<Int>)
    /// What a label file can mean by itself: colour-palette labels and small
    /// class indices (every value below 32) are taken as they are; any other
    /// 8-bit or 16-bit label is a binary mask. JPEG- or resampling-damaged
    /// masks (0/255 plus a scatter of values such as 1, 2, 253, 254) fail it.
    case auto
}

/// The one label-value check of check, augment and split (`--stratify`):
/// a label whose values are not the expected ones is reported or refused
/// with the same message everywhere, naming the file, the stray values and
/// their pixel counts.
public enum LabelValidation {
    /// The values `label` may hold under `rule`; nil when any value is fine.
    public static func expected(_ values: Histogram, rule: LabelExpectation, palette: Bool = false) -> Set<Int>? {
        switch rule {
        case .values(let set): return set
        case .auto where palette || (values.values.last ?? 0) < 32: return nil
        case .binary, .auto:
            let onesCover = values.counts.filter { $0.key == 0 || $0.key == 1 }.values.reduce(0, +)
            let fullCover = values.counts.filter { $0.key == 0 || $0.key == 255 }.values.reduce(0, +)
            return onesCover > fullCover ? [0, 1] : [0, 255]
        }
    }

    /// A one-line problem description for `path`, or nil when the label is fine.
    public static func problem(_ path: String, values: Histogram, rule: LabelExpectation, palette: Bool = false) -> String? {
        guard let expected = expected(values, rule: rule, palette: palette) else { return nil }
        let stray = Set(values.values).subtracting(expected).sorted { (values.counts[$1]!, $0) < (values.counts[$0]!, $1) }
        guard !stray.isEmpty else { return nil }
        let listed = stray.prefix(10).map { "\($0) (\(values.counts[$0]!) px)" }.joined(separator: ", ")
        return "\(path): unexpected label values \(listed)\(stray.count > 10 ? " and \(stray.count - 10) more" : "") (expected \(expected.sorted().map(String.init).joined(separator: ",")))"
    }
}
