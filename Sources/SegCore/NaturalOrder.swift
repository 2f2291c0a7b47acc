/// The file order used everywhere in SegKit: "natural" order of relative
/// paths, so `2.png` sorts before `10.png`, independent of the file system.
///
/// Paths are split into runs of digits and non-digits; digit runs compare by
/// numeric value (then by length, so `007` after `7`), other runs by their
/// UTF-8 bytes. The result is a total order that is the same on every machine.
public enum NaturalOrder {
    /// True when `a` sorts before `b`.
    public static func less(_ a: String, _ b: String) -> Bool {
        compare(Array(a.utf8), Array(b.utf8)) < 0
    }

    /// Sorts strings naturally.
    public static func sorted(_ items: [String]) -> [String] {
        let keyed = items.map { (Array($0.utf8), $0) }
        return keyed.sorted { compare($0.0, $1.0) < 0 }.map(\.1)
    }

    /// Three-way comparison of two UTF-8 byte strings.
    public static func compare(_ a: [UInt8], _ b: [UInt8]) -> Int {
        var i = 0, j = 0
        while i < a.count && j < b.count {
            let da = isDigit(a[i]), db = isDigit(b[j])
            if da && db {
                let si = i, sj = j
                while i < a.count && isDigit(a[i]) { i += 1 }
                while j < b.count && isDigit(b[j]) { j += 1 }
                // Compare numerically without overflow: strip leading zeros, then length, then digits.
                var zi = si, zj = sj
                while zi < i - 1 && a[zi] == 0x30 { zi += 1 }
                while zj < j - 1 && b[zj] == 0x30 { zj += 1 }
                let li = i - zi, lj = j - zj
                if li != lj { return li < lj ? -1 : 1 }
                for k in 0..<li where a[zi + k] != b[zj + k] { return a[zi + k] < b[zj + k] ? -1 : 1 }
                let ri = i - si, rj = j - sj
                if ri != rj { return ri < rj ? -1 : 1 }
            } else {
                if a[i] != b[j] { return a[i] < b[j] ? -1 : 1 }
                i += 1
                j += 1
            }
        }
        let ra = a.count - i, rb = b.count - j
        return ra == rb ? 0 : (ra < rb ? -1 : 1)
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
}
