import Foundation
import SegTestSupport
import XCTest

/// The library products can be used from another package that depends on
/// SegKit by version — the case in which SwiftPM refuses `unsafeFlags`.
final class ExternalPackageTests: XCTestCase {
    func testAPackageDependingOnSegImageByVersionBuildsAndRuns() throws {
        guard FileManager.default.fileExists(atPath: Repo.root + "/.git") else { throw XCTSkip("needs the git checkout") }
        let root = try makeTemporaryDirectory(self)
        // A versioned copy of this commit, as a consumer would fetch it.
        let remote = root + "/segkit.git"
        XCTAssertEqual(try runProcess("/usr/bin/git", ["clone", "--quiet", "--bare", Repo.root, remote]).status, 0)
        XCTAssertEqual(try runProcess("/usr/bin/git", ["-C", remote, "tag", "99.0.0", "HEAD"]).status, 0)
        let consumer = root + "/consumer"
        try FileManager.default.createDirectory(atPath: consumer + "/Sources/consumer", withIntermediateDirectories: true)
        try """
            // swift-tools-version:6.0
            import PackageDescription
            let package = Package(
                name: "consumer",
                dependencies: [.package(url: "file://\(remote)", exact: "99.0.0")],
                targets: [.executableTarget(name: "consumer", dependencies: [.product(name: "SegImage", package: "segkit")])]
            )
            """.write(toFile: consumer + "/Package.swift", atomically: true, encoding: .utf8)
        try """
            import SegImage
            let image = try ImageReader.read(CommandLine.arguments[1])
            print("\\(image.width)x\\(image.height)")
            """.write(toFile: consumer + "/Sources/consumer/main.swift", atomically: true, encoding: .utf8)
        let build = try runProcess("/usr/bin/env", ["swift", "build", "--package-path", consumer])
        XCTAssertEqual(build.status, 0, build.stderr + build.stdout)
        XCTAssertFalse((build.stderr + build.stdout).contains("unsafe build flags"), build.stderr)
        let run = try runProcess(consumer + "/.build/debug/consumer", [Repo.fixtures + "/cells/label/0.png"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout, "256x256\n")
    }
}
