import GraphcIR

/// A fused epilogue resolved to pointers: bias [C], residual of the output's shape (which may
/// be the output buffer itself, when the planner runs the op in place on it), activation.
struct EpiloguePointers {
    var bias: UnsafePointer<Float>?
    var residual: UnsafePointer<Float>?
    var activation: Activation?

    /// The same epilogue for the part of the output that starts `elements` in.
    func advanced(by elements: Int) -> EpiloguePointers {
        EpiloguePointers(bias: bias, residual: residual.map { $0 + elements }, activation: activation)
    }
}

enum EpilogueKernel {
    /// After the GEMM (which accumulated the residual): y = activation(y + bias) over a block
    /// of a row-major output with `channels` columns, on the calling thread.
    @inline(__always)
    static func finish(_ e: EpiloguePointers, output: UnsafeMutablePointer<Float>, rows: Range<Int>, columns: Range<Int>, channels: Int) {
        guard e.bias != nil || e.activation != nil else { return }
        let width = columns.count
        // Row by row, so the activation reads what the bias just wrote while it is in L1.
        for row in rows {
            let y = output + row * channels + columns.lowerBound
            if let b = e.bias.map({ $0 + columns.lowerBound }) { for c in 0..<width { y[c] += b[c] } }
            if let f = e.activation { ElementwiseKernel.apply(f, y, y, count: width) }
        }
    }
}
