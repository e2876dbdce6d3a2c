// What the runtime's kernels need from C: Swift has no prefetch or pause instruction and no way
// to ask which instruction set it is being compiled for. Static inline functions from a C header are
// inlined into the Swift code that calls them.
#ifndef GRAPHC_KERNEL_SUPPORT_H
#define GRAPHC_KERNEL_SUPPORT_H

/// Asks for the cache line holding `address` to be brought into L2 (and the levels below it),
/// for reading. Not into L1: a core has few L1 miss buffers, and a GEMM streaming its weights
/// from memory at batch 1 ran 10-20% slower with prefetches waiting for them.
static inline __attribute__((always_inline)) void graphc_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 2);
}

/// The CPU's spin-wait hint (x86's pause, ARM's yield): tells the core this is a busy-wait
/// loop, so a hyperthread sharing the core gets its execution units, without leaving user
/// space as `sched_yield` does.
static inline __attribute__((always_inline)) void graphc_spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/// Whether the Swift code calling this was compiled for AVX-512 (the runtime module is built
/// with `-target-cpu native`, and the importer sees the same target), so its SIMD registers
/// are 32 zmm rather than 16 ymm. It is the compiled code's register count that matters, not
/// the running CPU's: a binary built for AVX2 has 16 registers on any machine.
static inline __attribute__((always_inline)) int graphc_compiled_for_avx512f(void) {
#if defined(__AVX512F__)
    return 1;
#else
    return 0;
#endif
}

#endif
