import GraphcIR

/// slim's fully_connected as one GEMM: x `[rows, K]` times weights `[K, N]`, the residual
/// accumulated by the GEMM (beta = 1), then bias and activation.
enum MatMulKernel {
    static func prepare(_ c: StepContext) -> Step? {
        let w = c.inputShape(1)
        let (k, n) = (w[0], w[1])
        let rows = c.outputCount / max(n, 1)
        let x = c.input(0), weights = c.input(.weights)!, y = c.output, epilogue = c.epilogue, threads = c.threads
        return {
            PartitionedGEMM.run(m: rows, n: n, k: k, a: x, lda: k, b: weights, output: y, epilogue: epilogue, threads: threads)
        }
    }
}
