public enum SegCoreVersion { public static let version = "0.1.0" }
