// swift-tools-version:6.0
import Foundation
import PackageDescription

// The version (VERSION file) and the git commit, compiled into `--version`.
// scripts/release sets SEGKIT_GIT_COMMIT to `git describe --always --dirty`;
// otherwise HEAD is read from .git when the manifest is evaluated.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path
func readText(_ path: String) -> String? {
    (try? String(contentsOfFile: packageRoot + "/" + path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
}
func gitCommit() -> String {
    if let commit = Context.environment["SEGKIT_GIT_COMMIT"], !commit.isEmpty { return commit }
    guard let head = readText(".git/HEAD") else { return "unknown" }
    guard head.hasPrefix("ref: ") else { return String(head.prefix(7)) }
    let ref = String(head.dropFirst(5))
    if let hash = readText(".git/" + ref) { return String(hash.prefix(7)) }
    let packed = readText(".git/packed-refs")?.split(separator: "\n").first { $0.hasSuffix(" " + ref) }
    return packed.map { String($0.prefix(7)) } ?? "unknown"
}
let buildDefines: [CSetting] = [
    .define("SEGKIT_VERSION", to: "\"\(readText("VERSION") ?? "0.0.0")\""),
    .define("SEGKIT_COMMIT", to: "\"\(gitCommit())\""),
]

// Debug builds of the pixel, metric and model code are optimised, because the
// tests (debug builds) run them over real datasets. That needs unsafeFlags,
// which SwiftPM refuses in a package that another one depends on by version,
// so the flags are only for this repository's own builds: a checkout that
// SwiftPM made for a dependent package (under `.../checkouts/`) leaves them
// out. Release builds are the same either way (Swift -O, C -O2), so a
// dependent package's release build runs at the speed docs/benchmarks.md shows.
let builtAsDependency = Context.packageDirectory.contains("/checkouts/")
let optimizedDebugSwift: [SwiftSetting] = builtAsDependency ? [] : [.unsafeFlags(["-O"], .when(configuration: .debug))]
let optimizedDebugC: [CSetting] = builtAsDependency ? [] : [.unsafeFlags(["-O2"], .when(configuration: .debug))]

let package = Package(
    name: "SegKit",
    // Linux only: the code calls Glibc directly (see docs/install.md).
    products: [
        .executable(name: "segprep", targets: ["segprep"]),
        .executable(name: "segeval", targets: ["segeval"]),
        .executable(name: "segpredict", targets: ["segpredict"]),
        .library(name: "SegFiles", targets: ["SegFiles"]),
        .library(name: "SegImage", targets: ["SegImage"]),
        .library(name: "SegPrep", targets: ["SegPrep"]),
        .library(name: "SegMetrics", targets: ["SegMetrics"]),
        .library(name: "SegModel", targets: ["SegModel"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // The only code that touches libpng, libjpeg, libtiff, giflib and libdeflate.
        .target(
            name: "CSegCodecs",
            cSettings: optimizedDebugC,
            linkerSettings: [
                .linkedLibrary("png16"), .linkedLibrary("jpeg"),
                .linkedLibrary("tiff"), .linkedLibrary("gif"), .linkedLibrary("deflate"),
            ]
        ),
        // Atomic writes, temporary files removed on interrupt, folder creation,
        // whole-file reads: every tool's outputs go through here.
        .target(name: "CSegFiles"),
        .target(name: "SegFiles", dependencies: ["CSegFiles", "SegCore"]),
        .target(name: "SegImage", dependencies: ["CSegCodecs", "SegFiles", "SegCore"]),
        // Hashing (SHA-256, XXH64) runs over whole datasets even in the debug builds
        // the tests use; optimising this small module keeps them quick.
        .target(name: "SegCore", swiftSettings: optimizedDebugSwift),
        // Pixel loops (remap, warps, fields) run over real datasets in the tests too.
        .target(name: "SegPrep", dependencies: ["SegFiles", "SegImage", "SegCore"], swiftSettings: optimizedDebugSwift),
        // Metric kernels run over real datasets in the agreement tests too.
        .target(name: "SegMetrics", dependencies: ["SegFiles", "SegImage", "SegCore", "CSegMetrics"], swiftSettings: optimizedDebugSwift),
        // SegMetrics' pixel kernels (the distance transform's steps, relabelling, the overlap
        // table, components, the ISBI thinning), compiled for AVX-512, AVX2 and baseline x86-64.
        .target(name: "CSegMetrics", cSettings: optimizedDebugC),
        // Convolution kernels and the run-time OpenBLAS binding: only SegModel uses them.
        .target(name: "CSegModel", cSettings: optimizedDebugC, linkerSettings: [.linkedLibrary("dl")]),
        // Networks run over real images in the tests too.
        .target(name: "SegModel", dependencies: ["SegFiles", "CSegModel", "SegImage", "SegCore"], swiftSettings: optimizedDebugSwift),
        // Command-line pieces shared by the executables.
        .target(name: "CSegBuildInfo", cSettings: buildDefines),
        .target(name: "SegCLI", dependencies: ["CSegBuildInfo", "SegCore", "SegFiles", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(
            name: "segprep",
            dependencies: ["SegFiles", "SegPrep", "SegCore", "SegImage", "SegCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "segeval",
            dependencies: ["SegFiles", "SegMetrics", "SegCore", "SegImage", "SegCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "segpredict",
            dependencies: ["SegFiles", "SegModel", "SegCore", "SegImage", "SegCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // The fuzz targets' bodies, also replayed over the committed corpus by the tests.
        .target(name: "SegFuzzing", dependencies: ["SegFiles", "SegImage", "SegCore", "SegPrep", "SegModel"]),
        // The FMA peak probe behind segbench's "% of peak" figures.
        .target(name: "CSegBench"),
        .executableTarget(name: "segbench", dependencies: ["SegFiles", "SegPrep", "SegMetrics", "SegModel", "SegImage", "SegCore", "CSegBench"]),
        // Repository paths and temporary folders for every test target.
        .target(name: "SegTestSupport", dependencies: ["SegCore"], path: "Tests/SegTestSupport"),
        .testTarget(name: "SegImageTests", dependencies: ["SegFiles", "SegCore", "SegImage", "SegTestSupport"]),
        .testTarget(name: "SegCoreTests", dependencies: ["SegCore", "SegTestSupport"]),
        .testTarget(name: "SegCLITests", dependencies: ["SegCLI", "SegCore", "SegFiles", "SegImage", "SegPrep", "SegMetrics", "SegModel", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        // The executables are dependencies so that `swift test` always builds the binaries the end-to-end tests run.
        .testTarget(name: "SegPrepTests", dependencies: ["SegFiles", "SegPrep", "SegImage", "SegCore", "SegTestSupport", "segprep"]),
        .testTarget(name: "SegModelTests", dependencies: ["SegModel", "SegImage", "SegCore", "SegTestSupport", "segpredict"]),
        // The hostile corpus, fault injection and fuzz reproducers, run against every command.
        .testTarget(name: "RobustnessTests", dependencies: ["SegCLI", "SegFiles", "SegImage", "SegCore", "SegFuzzing", "SegTestSupport", "segprep", "segeval", "segpredict"]),
        .testTarget(name: "SegMetricsTests", dependencies: ["SegMetrics", "SegImage", "SegCore", "SegTestSupport", "segeval"]),
    ]
)

// libFuzzer targets (scripts/fuzz builds them with --sanitize=fuzzer in .build-fuzz).
for name in ["PNG", "JPEG", "TIFF", "GIF", "SafeTensors", "Manifest", "Colors", "Map"] {
    package.targets.append(.executableTarget(name: "Fuzz\(name)", dependencies: ["SegFuzzing"], path: "Sources/Fuzz/Fuzz\(name)"))
}

// The fast inner loop (docs/testing.md): `SEGKIT_UNIT_TESTS=1 swift test
// --scratch-path .build-unit --filter …` builds the libraries and their unit
// tests only — no executables, no end-to-end, fault or hostile-corpus tests
// (the files that run the tools are compiled out by the SEGKIT_UNIT_TESTS
// condition). The full suite (README, .ci/run) is the default.
if Context.environment["SEGKIT_UNIT_TESTS"] == "1" {
    let endToEnd: Set<String> = ["RobustnessTests"]
    package.products.removeAll { $0 is Product.Executable }
    package.targets.removeAll { $0.type == .executable || endToEnd.contains($0.name) }
    for target in package.targets where target.type == .test {
        target.dependencies.removeAll { dependency in
            if case .targetItem(let name, _) = dependency { return ["segprep", "segeval", "segpredict"].contains(name) }
            if case .byNameItem(let name, _) = dependency { return ["segprep", "segeval", "segpredict"].contains(name) }
            return false
        }
        target.swiftSettings = (target.swiftSettings ?? []) + [.define("SEGKIT_UNIT_TESTS")]
    }
}
