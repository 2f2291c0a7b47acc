// The CPU's multiply-add peak, for benchmarks that report a share of it.
#ifndef SEGBENCH_PEAK_H
#define SEGBENCH_PEAK_H
#include <stdint.h>
// GFLOP/s of `iterations` rounds of 24 independent vector FMAs on this thread:
// 512-bit with AVX-512, else 256-bit with AVX2/FMA; 0 on other CPUs.
double seg_fma_peak(int64_t iterations);
#endif
