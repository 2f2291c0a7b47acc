// HOT marks a kernel compiled for AVX-512 (x86-64-v4), AVX2 (v3) and baseline
// x86-64, the best picked at load time: Swift cannot multiversion a function.
#ifndef SEGMETRICS_MULTIVERSION_H
#define SEGMETRICS_MULTIVERSION_H

#if defined(__x86_64__) && defined(__clang__)
#define HOT __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define HOT
#endif

#endif
