/// A GEMM with its fused epilogue, split into one block per thread, each block a
/// single-threaded OpenBLAS call followed by its own part of the epilogue while it is in cache.
///
/// Tall products (early convolutions: many output pixels, few channels) split by rows, so each
/// thread also unfolds its own rows (`prepareRows`) and no thread waits between unfolding and
/// multiplying. Wide ones (late layers: 49 pixels, 512 channels) split by columns, so each
/// thread packs only its share of the weights.
enum PartitionedGEMM {
    /// Below this many multiply-adds one thread does the whole product: waking another costs
    /// more than it saves.
    static let minimumWorkPerThread = 1 << 18

    /// output[m x n] = epilogue(A[m x k] * B[k x n]); `output` and the epilogue's residual are
    /// row-major with leading dimension n. When `unfolds`, `prepareRows` fills rows of A before
    /// they are read. (Not optional: an optional closure escapes, and would be allocated per call.)
    @inline(__always)
    static func run(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, packed: UnsafePointer<Float>? = nil,
                    output: UnsafeMutablePointer<Float>, epilogue: EpiloguePointers, threads: Int,
                    unfolds: Bool = false, prepareRows: (Range<Int>) -> Void = { _ in }) {
        guard m > 0, n > 0 else { return }
        let work = m.multipliedReportingOverflow(by: n).partialValue.multipliedReportingOverflow(by: max(k, 1)).partialValue
        let workers = max(1, min(threads, work / minimumWorkPerThread))
        if workers == 1 || m >= n || n < 32 {
            // By rows, in multiples of 8 so OpenBLAS's row micro-panels stay whole.
            let blocks = min(workers, max(1, m / 8))
            parallelFor(blocks, threads: blocks) { range in
                for block in range {
                    let r0 = m * block / blocks / 8 * 8, r1 = block == blocks - 1 ? m : m * (block + 1) / blocks / 8 * 8
                    guard r0 < r1 else { continue }
                    if unfolds { prepareRows(r0..<r1) }
                    multiply(rows: r0..<r1, columns: 0..<n, n: n, k: k, a: a, lda: lda, b: b, packed: packed, output: output, epilogue: epilogue)
                }
            }
        } else {
            if unfolds { parallelFor(m, threads: workers, minimumPerThread: 16, prepareRows) }
            // By columns, in multiples of 16 (two AVX vectors).
            parallelFor(workers, threads: workers) { range in
                for block in range {
                    let c0 = n * block / workers / 16 * 16, c1 = block == workers - 1 ? n : n * (block + 1) / workers / 16 * 16
                    guard c0 < c1 else { continue }
                    multiply(rows: 0..<m, columns: c0..<c1, n: n, k: k, a: a, lda: lda, b: b, packed: packed, output: output, epilogue: epilogue)
                }
            }
        }
    }

    /// One block. graphc's GEMM applies the residual, the bias and a ReLU (or ReLU6) as it
    /// stores, and only another activation takes a pass of its own; OpenBLAS's takes the
    /// residual in first and the bias and activation after.
    @inline(__always)
    static func multiply(rows: Range<Int>, columns: Range<Int>, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>,
                         packed: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>, epilogue e: EpiloguePointers) {
        if let packed {
            var fused = PanelEpilogue(residual: e.residual, bias: e.bias)
            var rest = e.activation
            switch e.activation {
            case .relu?: fused.clamp = .relu; rest = nil
            case .relu6?: fused.clamp = .relu6; rest = nil
            default: break
            }
            PanelGEMM.multiply(rows: rows, columns: columns, k: k, a: a, lda: lda, packed: packed, c: output, ldc: n, accumulate: false, epilogue: fused)
            if let rest {
                EpilogueKernel.finish(EpiloguePointers(activation: rest), output: output, rows: rows, columns: columns, channels: n)
            }
            return
        }
        let width = columns.count
        let origin = rows.lowerBound * n + columns.lowerBound
        var beta: Float = 0
        if let r = e.residual {
            beta = 1
            if r != UnsafePointer(output) {
                for row in rows { (output + row * n + columns.lowerBound).update(from: r + row * n + columns.lowerBound, count: width) }
            }
        }
        BLAS.sgemm(m: rows.count, n: width, k: k, a: a + rows.lowerBound * lda, lda: lda, b: b + columns.lowerBound, ldb: n,
                   c: output + origin, ldc: n, beta: beta)
        EpilogueKernel.finish(e, output: output, rows: rows, columns: columns, channels: n)
    }
}
