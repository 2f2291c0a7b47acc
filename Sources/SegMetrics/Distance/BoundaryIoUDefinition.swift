/// Which boundary band Boundary IoU compares (`--biou`).
public enum BoundaryIoUDefinition: String, Sendable, Codable, CaseIterable {
    /// Metrics Reloaded `boundary_iou`: the mask pixels whose Euclidean
    /// distance (pixels, no spacing) to the mask's own border is below
    /// `--biou-width`; both masks empty → 1.
    case metricsreloaded
    /// Cheng et al. (boundary-iou-api `mask_to_boundary`): the mask minus its
    /// erosion by a 3×3 square repeated d = max(1, round(0.02 × image
    /// diagonal)) times, the image edge counting as outside; both empty → undefined.
    case cheng
}
