/// Which values a label may hold.
public enum LabelExpectation: Sendable, Equatable {
    /// Binary masks: 0/255 when any value is 128 or more, else 0/1.
    case binary
    /// Exactly these values (`--classes 0,1,2`).
    case values(Set<Int>)
    /// What a label file can mean by itself: a label that looks like a damaged
    /// 0/255 mask — it holds 255, a value in 1…63 and a value in 192…254, the
    /// ringing of JPEG or the ramps of resampling on both sides — is a binary
    /// mask and fails; every other label (class indices such as Cityscapes'
    /// 0…18 + 255, ADE20K's 0…150, COCO-stuff's 0…181 + 255, palette labels,
    /// clean masks) is taken as it is. `--classes` states the values exactly.
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
        case .auto where palette || !looksLikeDamagedMask(values): return nil
        case .binary, .auto:
            // A mask with any value in the upper half is a 0/255 mask, even when JPEG turned
            // most of its background into 1 (a damaged 0/1 mask never reaches 128).
            return values.values.contains { $0 >= 128 } ? [0, 255] : [0, 1]
        }
    }

    /// 255 with stray values near both ends: what JPEG or interpolation makes of a 0/255 mask.
    static func looksLikeDamagedMask(_ values: Histogram) -> Bool {
        values.counts[255] != nil && values.values.contains { (1...63).contains($0) } && values.values.contains { (192...254).contains($0) }
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
