// libFuzzer target for the colors parser; see scripts/fuzz and docs/robustness.md.
// Built with -parse-as-library under --sanitize=fuzzer; a normal build makes a no-op executable.
import SegFuzzing

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzColors(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzEntry.run("colors", data, size)
}
