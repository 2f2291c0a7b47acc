import Foundation
import XCTest
@_exported import SegTestSupport
import SegImage
@testable import SegPrep


func gray(_ values: [UInt8], width: Int? = nil) -> Image {
    Image.gray8(width: width ?? values.count, height: width.map { values.count / $0 } ?? 1, pixels: values)
}

func samples8(_ image: Image) -> [UInt8] {
    if case .uint8(let s) = image.samples { return s }
    return []
}

/// Runs `check` on arguments as the command does, with options adjusted by `configure`.
func runCheck(_ arguments: [String], _ configure: (inout CheckOptions) -> Void = { _ in }) throws -> CheckReport {
    var options = CheckOptions()
    configure(&options)
    let (sources, initial) = try Checker.sources(arguments)
    return try Checker.run(sources, initialFindings: initial, options: options)
}
