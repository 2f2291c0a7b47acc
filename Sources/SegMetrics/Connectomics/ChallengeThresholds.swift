/// The thresholds of the ISBI 2012 challenge's Fiji scripts: `t = 0.0; while
/// t <= 1.0 { …; t += 0.1 }` accumulated in double precision, 11 values
/// (0.30000000000000004, 0.7999999999999999, …), and the rule that makes a
/// proposal pixel a cell: its float32 probability, as Fiji holds it, strictly
/// above t.
public enum ChallengeThresholds {
    /// 0.0, 0.1, 0.2, 0.30000000000000004, …, 0.9999999999999999.
    public static let values: [Double] = {
        var out: [Double] = []
        var t = 0.0
        while t <= 1.0 {
            out.append(t)
            t += 0.1
        }
        return out
    }()

    /// Whether a pixel of probability `level / scale` (an 8-bit map as v/255, a
    /// 16-bit one as v/65535, divided in float32 as the challenge's 32-bit
    /// maps were made) is a cell at threshold `t`.
    public static func isCell(level: Int, scale: Int, threshold t: Double) -> Bool {
        Double(Float(level) / Float(scale)) > t
    }
}
