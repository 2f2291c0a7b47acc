/// Which way a metric improves.
public enum MetricDirection: String, Sendable, Hashable {
    /// Larger is better (IoU, F-measures): `--fail-under` bounds it, `--worst`
    /// lists the lowest, `--baseline` fails when it drops.
    case higherIsBetter
    /// Smaller is better (MAE): `--fail-over` bounds it, `--worst` lists the
    /// highest, `--baseline` fails when it rises.
    case lowerIsBetter
}
