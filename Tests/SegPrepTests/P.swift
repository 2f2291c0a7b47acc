import XCTest
final class SegPrepTestsPlaceholder: XCTestCase { func testNothing() {} }
