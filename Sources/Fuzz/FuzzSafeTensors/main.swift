// libFuzzer target for the safetensors parser; see scripts/fuzz and docs/robustness.md.
// Built with -parse-as-library under --sanitize=fuzzer; a normal build makes a no-op executable.
import SegFuzzing

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafeTensors(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzEntry.run("safetensors", data, size)
}
