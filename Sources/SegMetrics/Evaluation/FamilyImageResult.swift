/// What a family kernel (``FamilyKernel``) computes for one image.
public struct FamilyImageResult: Sendable {
    /// The image's own values (per-image CSV, `--worst`).
    public var values = MetricValues()
    /// Arrays the dataset state adds up under the family's id, by name: one
    /// order-independent sum per position (nil entries are not counted). Every
    /// image must give a name the same length.
    public var sums: [String: [Double?]] = [:]

    /// Nothing computed yet.
    public init() {}
}
