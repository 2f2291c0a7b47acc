import Foundation

/// A stack of float32 planes (channels × height × width, row-major) — one image's
/// activations at one layer. Reference semantics: layers pass maps along without
/// copying, and the storage is freed when the last reference goes.
public final class FeatureMap: @unchecked Sendable {
    public let channels: Int
    public let height: Int
    public let width: Int
    /// 64-byte aligned storage of `count` floats.
    public let data: UnsafeMutablePointer<Float>

    /// Values per plane.
    public var plane: Int { height * width }
    /// Values in total.
    public var count: Int { channels * height * width }

    /// Uninitialised storage (every layer writes all of its output).
    public init(channels: Int, height: Int, width: Int) {
        precondition(channels > 0 && height > 0 && width > 0, "empty feature map")
        self.channels = channels
        self.height = height
        self.width = width
        data = BufferPool.shared.take(bytes: Self.bytes(channels * height * width)).bindMemory(to: Float.self, capacity: channels * height * width)
    }

    static func bytes(_ count: Int) -> Int { max(64, count * MemoryLayout<Float>.stride) }

    /// A map holding `values` (channels × height × width).
    public convenience init(channels: Int, height: Int, width: Int, values: [Float]) {
        precondition(values.count == channels * height * width, "value count does not match the shape")
        self.init(channels: channels, height: height, width: width)
        values.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: values.count) }
    }

    deinit { BufferPool.shared.give(UnsafeMutableRawPointer(data), bytes: Self.bytes(count)) }

    /// The values as an array (tests and output stages).
    public var values: [Float] { Array(UnsafeBufferPointer(start: data, count: count)) }

    /// Pointer to the first value of channel `c`.
    @inline(__always) public func channel(_ c: Int) -> UnsafeMutablePointer<Float> { data + c * plane }
}