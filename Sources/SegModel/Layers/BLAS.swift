import CSegModel
import Dispatch
import Foundation

/// The OpenBLAS library, loaded on first use.
public enum BLAS {
    /// Loads OpenBLAS. When the CPU has AVX-512 and `OPENBLAS_CORETYPE` is unset,
    /// it is set to SkylakeX first: Debian's OpenBLAS 0.3.21 picks its AVX2
    /// kernels on AMD Zen 4/5 (half the speed) and reads the variable only while
    /// the library loads, which is why SegKit loads it itself.
    public static func load() throws {
        var message = [CChar](repeating: 0, count: 512)
        if seg_blas_load(&message, message.count) != 0 {
            throw ModelError(String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
    }

    /// The kernel family OpenBLAS uses ("SkylakeX", "Haswell", …).
    public static var core: String { String(cString: seg_blas_core()) }
}
