import Foundation

/// Reusable buffers for ``WeightedFMeasure`` (one per worker thread), so
/// that scoring an image allocates nothing once the buffers have grown.
public final class WeightedFWorkspace: @unchecked Sendable {
    var columnNearest: [Int32] = []
    var nearestIndex: [Int32] = []
    var squaredDistance: [Int32] = []
    var stack: [Int] = []
    var error: [Double] = []
    var spread: [Double] = []
    var horizontal: [Double] = []
    /// `2 − exp(ln 0.5 / 5 · √d²)` by d², filled on first use (NaN = not yet).
    var weightBySquaredDistance: [Double] = []

    public init() {}

    func reserve(pixels n: Int, width: Int, height: Int) {
        if columnNearest.count < n {
            columnNearest = [Int32](repeating: 0, count: n)
            nearestIndex = columnNearest
            squaredDistance = columnNearest
            error = [Double](repeating: 0, count: n)
            spread = error
            horizontal = error
        }
        if stack.count < width { stack = [Int](repeating: 0, count: width) }
        let maxD2 = width * width + height * height
        if weightBySquaredDistance.count <= maxD2 {
            weightBySquaredDistance += [Double](repeating: .nan, count: maxD2 + 1 - weightBySquaredDistance.count)
        }
    }
}
