/// A one-to-one matching of rows to columns maximising the sum of
/// non-negative weights, as SciPy's `linear_sum_assignment` on the negated
/// weights finds it (pairs of weight 0 count as unmatched). The weights
/// come as sparse edges; the problem splits into the connected groups of
/// the edges, each solved exactly by the Hungarian method (shortest
/// augmenting paths with potentials, O(n²m) in the group's size), so
/// thousands of objects that each overlap a few cost little.
public enum MaximumWeightMatching {
    /// One candidate pair and its weight (> 0).
    public struct Edge: Sendable {
        public let row: Int, column: Int, weight: Double
        public init(row: Int, column: Int, weight: Double) {
            self.row = row
            self.column = column
            self.weight = weight
        }
    }

    /// The matched edges (indices into `edges`), in increasing order. Rows
    /// and columns are small non-negative numbers (object numbers).
    public static func solve(_ edges: [Edge]) -> [Int] {
        guard !edges.isEmpty else { return [] }
        // Group the edges: rows and columns joined by an edge are one group (union-find
        // over rows 0 ..< R and columns R ..< R + C, both numbered densely).
        let rowCount = (edges.map(\.row).max() ?? 0) + 1, columnCount = (edges.map(\.column).max() ?? 0) + 1
        var parent = Array(0..<(rowCount + columnCount))
        func find(_ x: Int) -> Int {
            var r = x
            while parent[r] != r { r = parent[r] }
            var y = x
            while parent[y] != r { let n = parent[y]; parent[y] = r; y = n }
            return r
        }
        for e in edges {
            let a = find(e.row), b = find(rowCount + e.column)
            if a != b { parent[max(a, b)] = min(a, b) }
        }
        // Edges by group, groups in order of their first edge.
        var groupOf = [Int](repeating: -1, count: rowCount + columnCount)
        var groups: [[Int]] = []
        for (i, e) in edges.enumerated() {
            let root = find(e.row)
            if groupOf[root] < 0 { groupOf[root] = groups.count; groups.append([]) }
            groups[groupOf[root]].append(i)
        }
        var matched: [Int] = []
        for group in groups {
            if group.count == 1 { matched.append(group[0]); continue }
            matched += solveGroup(group.map { edges[$0] }).map { group[$0] }
        }
        return matched.sorted()
    }

    /// One connected group, dense: the matched edges (indices into `edges`).
    private static func solveGroup(_ edges: [Edge]) -> [Int] {
        /// The distinct values, ascending.
        func distinct(_ values: [Int]) -> [Int] {
            var out: [Int] = []
            for v in values.sorted() where out.last != v { out.append(v) }
            return out
        }
        /// The position of `value` in the ascending `list` (which holds it).
        func position(_ value: Int, in list: [Int]) -> Int {
            var lo = 0, hi = list.count - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if list[mid] < value { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
        let rowIDs = distinct(edges.map(\.row)), columnIDs = distinct(edges.map(\.column))
        let transpose = rowIDs.count > columnIDs.count
        let n = transpose ? columnIDs.count : rowIDs.count, m = transpose ? rowIDs.count : columnIDs.count
        // cost[i][j] = −weight (0 where there is no edge); n ≤ m.
        var cost = [Double](repeating: 0, count: n * m)
        var edgeAt = [Int](repeating: -1, count: n * m)
        for (k, e) in edges.enumerated() {
            let r = position(e.row, in: rowIDs), c = position(e.column, in: columnIDs)
            let (i, j) = transpose ? (c, r) : (r, c)
            cost[i * m + j] = -e.weight
            edgeAt[i * m + j] = k
        }
        // Hungarian method, 1-based with a virtual column 0 (potentials u, v).
        var u = [Double](repeating: 0, count: n + 1), v = [Double](repeating: 0, count: m + 1)
        var assigned = [Int](repeating: 0, count: m + 1)  // assigned[j]: the row on column j (0: none)
        var way = [Int](repeating: 0, count: m + 1)
        for i in 1...n {
            assigned[0] = i
            var j0 = 0
            var minimum = [Double](repeating: .infinity, count: m + 1)
            var used = [Bool](repeating: false, count: m + 1)
            repeat {
                used[j0] = true
                let i0 = assigned[j0]
                var delta = Double.infinity, j1 = 0
                for j in 1...m where !used[j] {
                    let reduced = cost[(i0 - 1) * m + (j - 1)] - u[i0] - v[j]
                    if reduced < minimum[j] { minimum[j] = reduced; way[j] = j0 }
                    if minimum[j] < delta { delta = minimum[j]; j1 = j }
                }
                for j in 0...m {
                    if used[j] { u[assigned[j]] += delta; v[j] -= delta } else { minimum[j] -= delta }
                }
                j0 = j1
            } while assigned[j0] != 0
            repeat {
                let j1 = way[j0]
                assigned[j0] = assigned[j1]
                j0 = j1
            } while j0 != 0
        }
        var out: [Int] = []
        for j in 1...m where assigned[j] != 0 {
            let k = edgeAt[(assigned[j] - 1) * m + (j - 1)]
            if k >= 0 { out.append(k) }
        }
        return out
    }
}
