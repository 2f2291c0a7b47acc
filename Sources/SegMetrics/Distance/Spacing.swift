/// The physical size of a pixel, in array order as MONAI, MedPy and
/// DeepMind take it: the row height, then the column width (`--spacing ROW,COL`).
public struct Spacing: Sendable, Equatable, Codable, CustomStringConvertible {
    public var row: Double
    public var column: Double

    /// Square pixels of size 1: distances in pixels.
    public static let unit = Spacing(row: 1, column: 1)

    /// A pixel `row` high and `column` wide.
    public init(row: Double, column: Double) {
        self.row = row
        self.column = column
    }

    /// Parses `ROW,COL` (two positive finite numbers) or one number for both.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard (1...2).contains(parts.count), parts.allSatisfy({ $0.map { $0.isFinite && $0 > 0 } ?? false }) else {
            throw EvalError(.usage, "'\(text)' is not a pixel size: ROW,COL, two positive numbers (e.g. 0.7,0.7)")
        }
        self.init(row: parts[0]!, column: parts.last!!)
    }

    /// The diagonal of a `width × height` image in these units.
    public func diagonal(width: Int, height: Int) -> Double {
        let h = Double(height) * row, w = Double(width) * column
        return (h * h + w * w).squareRoot()
    }

    /// `ROW,COL`.
    public var description: String { "\(row),\(column)" }
}
