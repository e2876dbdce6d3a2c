import COpenBLAS

/// The one place graphc calls OpenBLAS: row-major single-precision GEMM and thread control.
public enum BLAS {
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

    /// Sets how many threads OpenBLAS uses, for the whole process: call it before running, not
    /// while another thread is inside a GEMM.
    public static func setThreads(_ n: Int) { openblas_set_num_threads(Int32(max(1, n))) }
}
