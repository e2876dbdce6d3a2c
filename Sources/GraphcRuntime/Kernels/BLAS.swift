import COpenBLAS

/// The one place graphc calls OpenBLAS: row-major single-precision GEMM on the calling thread.
///
/// graphc splits every GEMM across its own threads (`PartitionedGEMM`) and calls OpenBLAS
/// single-threaded from each. OpenBLAS's own threads would otherwise spin in sched_yield
/// between calls (about 12% of a ResNet-18 run) and fight graphc's threads for the cores.
enum BLAS {
    /// C[m x n] = A[m x k] * B[k x n] + beta * C, all row-major with leading dimensions.
    @inline(__always)
    static func sgemm(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                      c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float = 0) {
        guard m > 0, n > 0 else { return }
        if k == 0 {
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
            return
        }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// Makes OpenBLAS run each call on its caller's thread, for the whole process, once: an
    /// executor does this before it prepares its steps. Swift runs a global's initializer
    /// exactly once, even when executors are made on several threads at once.
    static func useCallingThreadOnly() { _ = singleThreaded }
    private static let singleThreaded: Void = openblas_set_num_threads(1)
}
