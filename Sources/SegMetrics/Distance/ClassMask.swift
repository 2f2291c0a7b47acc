/// One class of an image read as a binary mask (pixels whose value lies in
/// `inside`: a class label, or the prediction levels a threshold puts in the
/// class): the distance family reads every class of an image from the same
/// arrays, packed to bits once per class (``PackedMask``), without a class
/// map per image.
public struct ClassMask: Sendable {
    /// Row-major values, `width × height`.
    public let values: [UInt8]
    /// The values that are inside the mask.
    public let inside: ClosedRange<UInt8>
    public let width: Int, height: Int
    /// The mask, 64 pixels to a word.
    private let packed: PackedMask

    /// The pixels of `values` that lie in `inside`.
    public init(values: [UInt8], inside: ClosedRange<UInt8>, width: Int, height: Int) {
        precondition(values.count == width * height, "values do not fill \(width)×\(height)")
        self.values = values
        self.inside = inside
        self.width = width
        self.height = height
        packed = PackedMask(values: values, inside: inside, width: width, height: height)
    }

    /// The pixels of `labels` equal to `member`.
    public init(labels: [UInt8], member: UInt8, width: Int, height: Int) {
        self.init(values: labels, inside: member...member, width: width, height: height)
    }

    /// The non-zero pixels of a 0/1 (or any) mask.
    public init(mask: [UInt8], width: Int, height: Int) {
        self.init(values: mask, inside: 1...255, width: width, height: height)
    }

    /// No pixel is inside.
    public var isEmpty: Bool { packed.isEmpty }

    /// The inside pixels, in row-major order.
    public func pixels() -> [Int32] { packed.pixels() }

    /// The inside pixels as 0/1 bytes.
    public func bytes() -> [UInt8] { values.map { inside.contains($0) ? 1 : 0 } }

    /// MONAI's, MedPy's and Metrics Reloaded's surface, `mask XOR
    /// binary_erosion(mask)` with SciPy's cross structure and
    /// `border_value=0`: an inside pixel one of whose four neighbours is
    /// outside the mask or outside the image (a mask touching the image edge
    /// has surface there).
    func erosionSurface() -> PackedMask { packed.erosionSurface() }

    /// The DAVIS benchmark's `_seg2bmap`: a pixel differing from its east,
    /// south or south-east neighbour (pixels past the image count as
    /// background, except that the last row compares only eastwards, the
    /// last column only southwards, and the corner never), so the image edge
    /// itself is not boundary.
    func davisBoundary() -> PackedMask { packed.davisBoundary() }

    /// Google DeepMind's 2D surface elements: the blocks of 2×2 pixels of a
    /// grid shifted half a pixel, `(height + 1) × (width + 1)` blocks (block
    /// `(i, j)` covers pixels `i − 1 … i`, `j − 1 … j`, outside the image
    /// counting as outside), whose four pixels are neither all inside nor all
    /// outside. Sorted block indices with their codes (8 top-left, 4
    /// top-right, 2 bottom-left, 1 bottom-right inside).
    public func surfaceElements() -> (blocks: [Int32], codes: [UInt8]) {
        let w = width, h = height, inside = inside
        var blocks: [Int32] = [], codes: [UInt8] = []
        values.withUnsafeBufferPointer { l in
            @inline(__always) func at(_ y: Int, _ x: Int) -> UInt8 {
                y >= 0 && x >= 0 && y < h && x < w && inside.contains(l[y * w + x]) ? 1 : 0
            }
            for i in 0...h {
                for j in 0...w {
                    let code = 8 * at(i - 1, j - 1) + 4 * at(i - 1, j) + 2 * at(i, j - 1) + at(i, j)
                    guard code != 0 && code != 15 else { continue }
                    blocks.append(Int32(i * (w + 1) + j))
                    codes.append(code)
                }
            }
        }
        return (blocks, codes)
    }
}
