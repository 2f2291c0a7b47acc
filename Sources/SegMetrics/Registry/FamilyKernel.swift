/// The per-image kernel of a family that brings its own computation instead
/// of reading the joint histogram the confusion and salient families share:
/// it receives one image's classified pixels (``PixelPair``) and returns the
/// image's values and the sums its dataset values are made of
/// (``FamilyImageResult``). Declared in the family's folder with its
/// ``MetricFamily``; the evaluator calls every enabled family's kernel, and
/// ``EvalState`` keeps and merges the sums under the family's id, so a new
/// family needs no code outside its folder and one line in
/// ``MetricRegistry/families``.
public struct FamilyKernel: Sendable {
    let run: @Sendable (PixelPair, EvalConfig) throws -> FamilyImageResult

    /// Declares the kernel: `run` computes one image.
    public init(_ run: @escaping @Sendable (PixelPair, EvalConfig) throws -> FamilyImageResult) {
        self.run = run
    }
}
