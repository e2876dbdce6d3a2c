import GraphcIR

/// A fused epilogue resolved to pointers: bias [C], residual of the output's shape (which may
/// be the output buffer itself, when the planner runs the op in place on it), activation.
struct EpiloguePointers {
    var bias: UnsafePointer<Float>?
    var residual: UnsafePointer<Float>?
    var activation: Activation?
}

enum EpilogueKernel {
    /// Before the GEMM: puts the residual rows in the output, so the GEMM accumulates onto them
    /// (beta = 1). Returns the beta to use.
    @inline(__always)
    static func loadResidual(_ e: EpiloguePointers, output: UnsafeMutablePointer<Float>, offset: Int, count: Int) -> Float {
        guard let r = e.residual else { return 0 }
        if r + offset != UnsafePointer(output + offset) { (output + offset).update(from: r + offset, count: count) }
        return 1
    }

    /// After the GEMM: y = activation(y + bias) over `rows` rows of `channels`.
    @inline(__always)
    static func finish(_ e: EpiloguePointers, output: UnsafeMutablePointer<Float>, rows: Int, channels: Int, threads: Int) {
        guard e.bias != nil || e.activation != nil else { return }
        parallelFor(rows, threads: threads, minimumPerThread: max(1, (1 << 15) / max(channels, 1))) { range in
            // Row by row, so the activation reads what the bias just wrote while it is in L1.
            for row in range {
                let y = output + row * channels
                if let b = e.bias { for c in 0..<channels { y[c] += b[c] } }
                if let f = e.activation { ElementwiseKernel.apply(f, y, y, count: channels) }
            }
        }
    }
}
