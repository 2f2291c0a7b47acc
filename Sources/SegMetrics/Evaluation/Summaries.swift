/// Mean of the defined entries (NumPy `nanmean`); NaN when none is defined.
public func meanOfDefined(_ values: [Double?]) -> Double {
    let defined = values.compactMap { $0 }
    return defined.isEmpty ? .nan : defined.reduce(0, +) / Double(defined.count)
}

/// Maximum (and its first position) and mean of a curve's defined entries
/// (nil or NaN entries are left out); NaN when none is defined.
public func curveSummary(_ curve: [Double?]) -> (max: Double, argmax: Int?, mean: Double) {
    var best: (value: Double, index: Int)?
    for (i, v) in curve.enumerated() {
        guard let v, !v.isNaN else { continue }
        if best == nil || v > best!.value { best = (v, i) }
    }
    return (best?.value ?? .nan, best?.index, meanOfDefined(curve.map { $0.flatMap { $0.isNaN ? nil : $0 } }))
}
