import XCTest
final class SegCoreTestsPlaceholder: XCTestCase { func testNothing() {} }
