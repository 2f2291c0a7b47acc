// libFuzzer target for the manifest parser; see scripts/fuzz and docs/robustness.md.
// Built with -parse-as-library under --sanitize=fuzzer; a normal build makes a no-op executable.
import SegFuzzing

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManifest(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzEntry.run("manifest", data, size)
}
