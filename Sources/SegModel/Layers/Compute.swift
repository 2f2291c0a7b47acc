import CSegModel
import Dispatch
import Foundation
import SegCore

/// How much parallelism a model run may use, plus per-worker scratch memory.
/// Work inside one layer is split into row strips shared by the workers, each
/// calling single-threaded OpenBLAS — on two cores this beats both one
/// two-threaded BLAS call and one image per core, and it keeps only one image's
/// activations in memory.
public final class Compute: @unchecked Sendable {
    /// Number of workers (threads) a layer is split over.
    public let workers: Int
    /// Spatial size (pixels) from which 3×3 convolutions use Winograd F(4,3):
    /// below it the transforms cost more than they save. Tests set 0 or
    /// `Int.max` to check both paths.
    public let winogradMinPixels: Int
    /// From 64×64 up (measured on smp's Unet(resnet34): its 64² layers 1.2×
    /// faster than on the tiled kernel or im2col, for 25 MB of transformed
    /// weights). Lower-resolution layers of big networks have the most
    /// weights, and their transformed copies (4× the size: over 100 MB for a
    /// ResNet-34's 32² stage) would cost more memory than the time they save.
    public static let defaultWinogradMinPixels = 64 * 64
    /// Largest Winograd-domain weight copy (bytes) a layer keeps; larger
    /// layers with enough channels take the streamed path at every size.
    public let winogradCacheLimit: Int
    /// 16 MB: smp's and DeepLabV3+'s 64² and 128² layers (up to 384 → 128
    /// channels, 7 MB) keep theirs, where the streamed path was 10–20 %
    /// slower; a full-size U-Net's 64² layers (256–1024 channels, 19–75 MB
    /// each, 145 MB in all) stream, at about the same speed (docs/benchmarks.md).
    public static let defaultWinogradCacheLimit = 16 << 20
    /// Input channels from which 3×3 convolutions below `winogradMinPixels`
    /// (any dilation) use Winograd with their weights transformed on every
    /// call, a block of output channels at a time, so they cost no memory.
    /// Tests set `Int.max` to keep those layers on the tiled kernel.
    public let streamedWinogradMinChannels: Int
    /// From 128 channels (measured on the 32² and 16² stages of smp's
    /// ResNet encoders: see docs/benchmarks.md).
    public static let defaultStreamedWinogradMinChannels = 128
    /// Multiply-adds done by convolutions so far (for GFLOP/s figures). Layers
    /// run one at a time per `Compute`, so a plain counter suffices.
    public internal(set) var multiplyAdds = 0
    /// Seconds spent per layer kind ("conv3x3 winograd", "conv3x3 im2col", …),
    /// collected only when `profile` is on.
    public var profile = false
    public internal(set) var layerSeconds: [String: Double] = [:]
    private var scratch: [[UnsafeMutablePointer<Float>?]]
    private var capacity: [[Int]]

    /// Lays out the activations of every network pass after the first in one
    /// block planned from the first (see `ActivationArena`); nil when off.
    let arena: ActivationArena?

    /// Loads OpenBLAS (choosing its fastest kernels, see `BLAS.load`) and sets up
    /// `workers` threads' worth of scratch space. `plansActivations` false keeps
    /// every activation on the exact-size pool (several computes running passes
    /// at once: only one would follow a plan).
    public init(workers: Int, winogradMinPixels: Int = Compute.defaultWinogradMinPixels,
                streamedWinogradMinChannels: Int = Compute.defaultStreamedWinogradMinChannels,
                winogradCacheLimit: Int = Compute.defaultWinogradCacheLimit, plansActivations: Bool = true) throws {
        try BLAS.load()
        self.winogradCacheLimit = winogradCacheLimit
        arena = plansActivations ? ActivationArena() : nil
        self.workers = max(1, workers)
        self.winogradMinPixels = winogradMinPixels
        self.streamedWinogradMinChannels = streamedWinogradMinChannels
        scratch = Array(repeating: [nil, nil], count: self.workers)
        capacity = Array(repeating: [0, 0], count: self.workers)
    }

    deinit {
        for row in scratch { for p in row { free(p) } }
        if let arena { BufferPool.shared.retire(arena) }
    }

    /// Runs one network pass (`body`) with its activations laid out by the
    /// arena's plan when it has one, recording a plan when not. Nested passes,
    /// and passes while another compute's pass is under way, run on the pool.
    public func pass<T>(_ body: () throws -> T) rethrows -> T {
        guard let arena, BufferPool.shared.begin(arena) else { return try body() }
        defer { BufferPool.shared.end(arena) }
        return try body()
    }

    /// Scratch buffer `slot` (0 or 1) of `worker`, at least `count` floats; its
    /// contents are undefined. Only the worker itself may use it.
    func buffer(_ worker: Int, _ slot: Int, count: Int) -> UnsafeMutablePointer<Float> {
        if capacity[worker][slot] < count {
            free(scratch[worker][slot])
            var raw: UnsafeMutableRawPointer?
            guard posix_memalign(&raw, 64, count * 4) == 0, let raw else { fatalError("out of memory (\(count * 4) bytes)") }
            scratch[worker][slot] = raw.bindMemory(to: Float.self, capacity: count)
            capacity[worker][slot] = count
        }
        return scratch[worker][slot]!
    }

    /// Runs `body`, adding its wall time to `layerSeconds[label]` when `profile` is on.
    func timed(_ label: @autoclosure () -> String, _ body: () -> Void) {
        guard profile else { return body() }
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        layerSeconds[label(), default: 0] += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// Runs `body(worker, range)` over `0..<count` split into contiguous pieces,
    /// about four per worker, each taken by whichever worker is free next (a
    /// worker may get several, in any order). On shared machines the cores are
    /// not equally fast at every moment, and with one fixed half each the
    /// faster core waited for the slower at the end of every layer. Every
    /// caller computes each output independently of how the work is split.
    func parallel(_ count: Int, _ body: (_ worker: Int, _ range: Range<Int>) -> Void) {
        let parts = min(workers, count)
        if parts <= 1 {
            if count > 0 { body(0, 0..<count) }
            return
        }
        let pieces = min(count, parts * 4)
        let next = Counter()
        // The body only touches disjoint parts of its outputs; the pointers it
        // captures are what makes it non-Sendable.
        withoutActuallyEscaping(body) { body in
            let task = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: parts) { worker in
                while let piece = next.take(below: pieces) {
                    task.value(worker, count * piece / pieces..<count * (piece + 1) / pieces)
                }
            }
        }
    }
}

/// A value handed to worker threads that each use it on disjoint data.
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
