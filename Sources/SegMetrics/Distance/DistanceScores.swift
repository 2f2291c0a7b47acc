/// One class's distance and boundary scores on one image, under one
/// convention (``DistanceOptions``). Undefined values are NaN, a missed
/// structure under MONAI's rules is +inf.
public struct DistanceScores: Sendable, Equatable {
    /// Which of the two masks were empty.
    public enum Emptiness: String, Sendable { case neither, gt, prediction, both }

    public var hd = Double.nan, hd95 = Double.nan, assd = Double.nan, masd = Double.nan, asd = Double.nan, nsd = Double.nan
    public var boundaryIoU = Double.nan, boundaryF = Double.nan
    public var emptiness = Emptiness.neither

    /// What to compute: the surface distances (HD … NSD), Boundary IoU, boundary F.
    public struct Parts: OptionSet, Sendable {
        public let rawValue: Int
        /// The parts with these bits.
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// HD, HD95, ASSD, MASD, ASD and NSD (the surface distances).
        public static let distances = Parts(rawValue: 1)
        /// Boundary IoU.
        public static let boundaryIoU = Parts(rawValue: 2)
        /// The DAVIS boundary F.
        public static let boundaryF = Parts(rawValue: 4)
        /// Everything.
        public static let all: Parts = [.distances, .boundaryIoU, .boundaryF]
    }

    /// Scores a prediction mask against a ground-truth mask (non-zero = the
    /// class); what `parts` leaves out stays NaN.
    public init(prediction: [UInt8], gt: [UInt8], width: Int, height: Int, options o: DistanceOptions, parts: Parts = .all) {
        self.init(prediction: ClassMask(mask: prediction, width: width, height: height),
                  gt: ClassMask(mask: gt, width: width, height: height), options: o, parts: parts)
    }

    /// Scores one class of a prediction against the same class of a ground
    /// truth (same size); what `parts` leaves out stays NaN.
    public init(prediction: ClassMask, gt: ClassMask, options o: DistanceOptions, parts: Parts = .all) {
        let width = gt.width, height = gt.height
        // The erosion surfaces serve the distances and Metrics Reloaded's band: extracted once.
        var extracted: (prediction: PackedMask, gt: PackedMask)?
        func edges() -> (prediction: PackedMask, gt: PackedMask) {
            if let extracted { return extracted }
            let made = (prediction.erosionSurface(), gt.erosionSurface())
            extracted = made
            return made
        }
        let predEmpty = prediction.isEmpty, gtEmpty = gt.isEmpty
        emptiness = predEmpty ? (gtEmpty ? .both : .prediction) : (gtEmpty ? .gt : .neither)
        if parts.contains(.boundaryIoU) { boundaryIoU = Self.boundaryIoU(prediction, gt, edges: edges, options: o) }
        if parts.contains(.boundaryF) { boundaryF = Self.boundaryF(prediction, gt) }
        guard parts.contains(.distances) else { return }
        if o.convention == .deepmind {
            scoreSurfels(prediction, gt, options: o)
            return
        }
        switch emptiness {
        case .neither:
            let e = edges()
            let d = SurfaceDistances(predSurface: e.prediction, gtSurface: e.gt, spacing: o.spacing)
            let p = Summary(d.predToGT, tolerance: o.nsdTolerance), g = Summary(d.gtToPred, tolerance: o.nsdTolerance)
            hd = max(p.maximum, g.maximum)
            switch o.convention {
            case .medpy: hd95 = Percentile.linear(d.predToGT + d.gtToPred, o.percentile)
            case .metricsreloaded, .deepmind: hd95 = max(Percentile.linear(d.predToGT, o.percentile), Percentile.linear(d.gtToPred, o.percentile))
            case .monai: hd95 = max(Percentile.torchFloat32(d.predToGT, o.percentile), Percentile.torchFloat32(d.gtToPred, o.percentile))
            }
            assd = (p.sum + g.sum) / Double(p.count + g.count)
            asd = p.sum / Double(p.count)
            masd = (asd + g.sum / Double(g.count)) / 2
            nsd = Double(p.within + g.within) / Double(p.count + g.count)
        case .both:
            if o.convention == .metricsreloaded {
                (hd, hd95, assd, masd, asd, nsd) = (0, 0, 0, 0, 0, 1)
            }
        case .gt, .prediction:
            switch o.convention {
            case .monai:
                (hd, hd95, assd, masd, asd, nsd) = (.infinity, .nan, .infinity, .infinity, .infinity, 0)
            case .medpy:
                break
            case .metricsreloaded:
                nsd = Self.reloadedOneSidedNSD(surface: (predEmpty ? edges().gt : edges().prediction).pixels(), width: width, options: o)
            case .deepmind:
                break
            }
            if let penalty = Self.penalty(o, width: width, height: height) { (hd, hd95, assd, masd, asd) = (penalty, penalty, penalty, penalty, penalty) }
        }
    }

    /// DeepMind's surface elements (``SurfelDistances``); `--empty-distance`
    /// replaces the distances of a pair with one empty mask as for the others.
    private mutating func scoreSurfels(_ prediction: ClassMask, _ gt: ClassMask, options o: DistanceOptions) {
        let width = gt.width, height = gt.height
        let d = SurfelDistances(prediction: prediction, gt: gt, spacing: o.spacing)
        hd = max(SurfelDistances.percentile(d.gtToPred, 100), SurfelDistances.percentile(d.predToGT, 100))
        hd95 = max(SurfelDistances.percentile(d.gtToPred, o.percentile), SurfelDistances.percentile(d.predToGT, o.percentile))
        asd = SurfelDistances.mean(d.predToGT)
        masd = (SurfelDistances.mean(d.gtToPred) + asd) / 2
        assd = masd
        nsd = SurfelDistances.surfaceDice(d.gtToPred, d.predToGT, tolerance: o.nsdTolerance)
        if emptiness == .gt || emptiness == .prediction, let penalty = Self.penalty(o, width: width, height: height) {
            (hd, hd95, assd, masd, asd) = (penalty, penalty, penalty, penalty, penalty)
        }
    }

    /// The `--empty-distance` override for a pair with one empty mask (nil: the library's value).
    private static func penalty(_ o: DistanceOptions, width: Int, height: Int) -> Double? {
        switch o.emptyDistance.rule {
        case .library: return nil
        case .nan: return .nan
        case .max: return o.spacing.diagonal(width: width, height: height)
        case .penalty: return o.emptyDistance.penalty
        }
    }

    /// The value of a metric by its key (`HD95`).
    public func value(_ key: String) -> Double {
        switch key {
        case "HD": return hd
        case "HD95": return hd95
        case "ASSD": return assd
        case "MASD": return masd
        case "ASD": return asd
        case "NSD": return nsd
        case "BIoU": return boundaryIoU
        case "BF": return boundaryF
        default: return .nan
        }
    }

    /// One direction's count, sum, maximum and distances within the tolerance, in one pass.
    private struct Summary {
        var count = 0, within = 0
        var sum = 0.0, maximum = -Double.infinity

        /// One pass, in order (the sum as a loop adds them), without branches
        /// (whether a distance is within the tolerance is unpredictable).
        init(_ distances: [Double], tolerance: Double) {
            count = distances.count
            var sum = 0.0, maximum = -Double.infinity, within = 0
            distances.withUnsafeBufferPointer { d in
                for v in d {
                    sum += v
                    maximum = v > maximum ? v : maximum
                    within &+= Int(unsafeBitCast(v <= tolerance, to: UInt8.self))  // a conditional add compiles to a branch
                }
            }
            (self.sum, self.maximum, self.within) = (sum, maximum, within)
        }
    }

    /// Metrics Reloaded's NSD when one mask is empty: the empty side's
    /// distances come from SciPy's transform of a map without zeros (a
    /// virtual point at row −1, column −1), the other side contributes nothing.
    private static func reloadedOneSidedNSD(surface: [Int32], width: Int, options o: DistanceOptions) -> Double {
        let distances = SurfaceDistances.virtualCornerDistances(of: surface, width: width, spacing: o.spacing)
        return Double(distances.filter { $0 <= o.nsdTolerance }.count) / Double(distances.count)
    }

    /// Boundary IoU of the two masks' bands (``BoundaryIoUDefinition``).
    static func boundaryIoU(_ prediction: ClassMask, _ gt: ClassMask, edges: () -> (prediction: PackedMask, gt: PackedMask),
                            options o: DistanceOptions) -> Double {
        let width = gt.width, height = gt.height
        let predBand: PackedMask, gtBand: PackedMask
        switch o.boundaryIoU {
        case .metricsreloaded:
            if prediction.isEmpty && gt.isEmpty { return 1 }
            let (predBorder, gtBorder) = edges()
            predBand = reloadedBand(prediction, border: predBorder, band: o.boundaryIoUWidth)
            gtBand = reloadedBand(gt, border: gtBorder, band: o.boundaryIoUWidth)
        case .cheng:
            let diagonal = Double(width * width + height * height).squareRoot()
            let d = max(1, Int((0.02 * diagonal).rounded(.toNearestOrEven)))
            predBand = chengBand(prediction.bytes(), width: width, height: height, erosions: d)
            gtBand = chengBand(gt.bytes(), width: width, height: height, erosions: d)
        }
        let intersection = predBand.sharedCount(gtBand), union = predBand.count + gtBand.count - intersection
        return union == 0 ? .nan : Double(intersection) / Double(union)
    }

    /// Mask pixels whose distance (pixels) to the mask's own erosion border is below `band`.
    private static func reloadedBand(_ mask: ClassMask, border: PackedMask, band: Double) -> PackedMask {
        // Within 1 of the border is the border itself (distances are 0, 1, √2, …).
        if band <= 1 || border.isEmpty { return border }
        let inside = mask.pixels()
        let d = EuclideanDistanceTransform(features: border, spacing: .unit).distances(at: inside)
        return PackedMask(pixels: zip(inside, d).filter { $0.1 < band }.map(\.0), width: mask.width, height: mask.height)
    }

    /// Mask pixels within chessboard distance `erosions` of a non-mask pixel,
    /// the image edge counting as non-mask (Cheng's padded 3×3 erosions,
    /// d times, are one erosion by a (2d + 1)² square: a row window, then a
    /// column window, each by running counts).
    static func chengBand(_ mask: [UInt8], width w: Int, height h: Int, erosions d: Int) -> PackedMask {
        // survivesRows[i]: the 2d + 1 pixels of the row window centred on i are all mask (inside the image).
        var survivesRows = [UInt8](repeating: 0, count: mask.count)
        for y in 0..<h {
            let row = y * w
            var run = 0  // mask pixels in a row ending at x
            var runs = [Int](repeating: 0, count: w)
            for x in 0..<w {
                run = mask[row + x] != 0 ? run + 1 : 0
                runs[x] = run
            }
            for x in d..<max(d, w - d) where runs[x + d] >= 2 * d + 1 { survivesRows[row + x] = 1 }
        }
        var out = [UInt8](repeating: 0, count: mask.count)
        var run = [Int](repeating: 0, count: w)
        var eroded = [UInt8](repeating: 0, count: mask.count)
        for y in 0..<h {
            for x in 0..<w {
                run[x] = survivesRows[y * w + x] != 0 ? run[x] + 1 : 0
                // The column window of rows y − 2d … y, centred on y − d.
                if run[x] >= 2 * d + 1 { eroded[(y - d) * w + x] = 1 }
            }
        }
        for i in mask.indices where mask[i] != 0 && eroded[i] == 0 { out[i] = 1 }
        return PackedMask(values: out, inside: 1...1, width: w, height: h)
    }

    /// The DAVIS 2017 boundary F-measure (`f_measure`, bound_th 0.008):
    /// the share of each boundary inside the other's dilation by a disk of
    /// radius ⌈0.008 × diagonal⌉, computed as DAVIS computes it.
    static func boundaryF(_ prediction: ClassMask, _ gt: ClassMask) -> Double {
        let width = gt.width, height = gt.height
        let radius = Int((0.008 * Double(width * width + height * height).squareRoot()).rounded(.up))
        let predBoundary = prediction.davisBoundary(), gtBoundary = gt.davisBoundary()
        let nPred = predBoundary.count, nGT = gtBoundary.count
        let precision: Double, recall: Double
        switch (nPred, nGT) {
        case (0, 0): (precision, recall) = (1, 1)
        case (0, _): (precision, recall) = (1, 0)
        case (_, 0): (precision, recall) = (0, 1)
        default:
            precision = Double(predBoundary.sharedCount(gtBoundary.dilated(byDiskOfRadius: radius))) / Double(nPred)
            recall = Double(gtBoundary.sharedCount(predBoundary.dilated(byDiskOfRadius: radius))) / Double(nGT)
        }
        return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
    }
}
