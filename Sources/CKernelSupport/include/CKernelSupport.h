// What the runtime's kernels need from C: Swift has no prefetch instruction and no way to ask
// the CPU what it has. Static inline functions from a C header are inlined into the Swift
// code that calls them.
#ifndef GRAPHC_KERNEL_SUPPORT_H
#define GRAPHC_KERNEL_SUPPORT_H

/// Asks for the cache line holding `address` to be brought into L2 (and the levels below it),
/// for reading. Not into L1: a core has few L1 miss buffers, and a GEMM streaming its weights
/// from memory at batch 1 ran 10-20% slower with prefetches waiting for them.
static inline __attribute__((always_inline)) void graphc_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 2);
}

/// Whether the running CPU has AVX-512F, so 32 vector registers (x86-64 only; 0 elsewhere).
static inline int graphc_cpu_has_avx512f(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f");
#else
    return 0;
#endif
}

#endif
