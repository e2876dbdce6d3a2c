// Software prefetch for the runtime's GEMM: Swift has no prefetch instruction of its own, and
// a static inline function from a C header is inlined into the Swift code that calls it.
#ifndef GRAPHC_PREFETCH_H
#define GRAPHC_PREFETCH_H

/// Asks for the cache line holding `address` to be brought into every cache level, for reading.
static inline __attribute__((always_inline)) void graphc_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
