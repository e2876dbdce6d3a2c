import GraphcIR

/// Transposed convolutions as a GEMM and a scatter: a block of input pixels times the weights
/// rearranged to `[Cin, kh * kw * Cout]` gives each pixel's whole output patch, which is then
/// added into the output where the stride puts it. The output starts as the residual plus the
/// bias; the activation runs once everything has been added.
enum TransposedConvolutionKernel {
    struct Geometry {
        var batch, inHeight, inWidth, inChannels: Int
        var kernelHeight, kernelWidth, outChannels: Int
        var strideH, strideW, cropTop, cropLeft: Int
        var outHeight, outWidth: Int
        var patch: Int { kernelHeight * kernelWidth * outChannels }
    }

    static func prepare(_ c: StepContext) throws(RuntimeError) -> Step? {
        guard case let .conv2dTranspose(a) = c.node.op else { return nil }
        let x = c.inputShape(0), w = c.inputShape(1), y = c.outputShape
        let g = Geometry(batch: x[0], inHeight: x[1], inWidth: x[2], inChannels: x[3], kernelHeight: w[0], kernelWidth: w[1], outChannels: w[2],
                         strideH: a.strideH, strideW: a.strideW,
                         cropTop: a.crop(input: x[1], kernel: w[0], stride: a.strideH, vertical: true).before,
                         cropLeft: a.crop(input: x[2], kernel: w[1], stride: a.strideW, vertical: false).before,
                         outHeight: y[1], outWidth: y[2])
        // [kh, kw, Cout, Cin] -> [Cin, kh * kw * Cout], packed for the GEMM, once.
        let source = c.input(.weights)!
        var matrix = [Float](repeating: 0, count: g.inChannels * g.patch)
        for p in 0..<g.patch { for i in 0..<g.inChannels { matrix[i * g.patch + p] = source[p * g.inChannels + i] } }
        let weights = matrix.withUnsafeBufferPointer { PackedWeights($0.baseAddress!, k: g.inChannels, n: g.patch) }
        guard let scratch = c.scratch else { throw RuntimeError("'\(c.node.name)' has no scratch memory in its plan; compile it again") }
        let rowsPerBlock = max(1, c.scratchElements / g.patch)
        let input = c.input(0), output = c.output, epilogue = c.epilogue, threads = c.threads
        return { run(g, input: input, weights: weights.pointer, output: output, epilogue: epilogue, scratch: scratch, rowsPerBlock: rowsPerBlock, threads: threads) }
    }

    static func run(_ g: Geometry, input: UnsafePointer<Float>, weights: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
                    epilogue: EpiloguePointers, scratch: UnsafeMutablePointer<Float>, rowsPerBlock: Int, threads: Int) {
        let cout = g.outChannels, pixels = g.batch * g.outHeight * g.outWidth
        for p in 0..<pixels {
            GroupedConvolutionKernel.start(output + p * cout, count: cout, bias: epilogue.bias, residual: epilogue.residual.map { $0 + p * cout })
        }
        let m = g.batch * g.inHeight * g.inWidth
        var r0 = 0
        while r0 < m {
            let rows = min(rowsPerBlock, m - r0)
            PartitionedGEMM.run(m: rows, n: g.patch, k: g.inChannels, a: input + r0 * g.inChannels, lda: g.inChannels, b: weights,
                                packed: weights, output: scratch, epilogue: EpiloguePointers(), threads: threads)
            scatter(g, rows: r0..<r0 + rows, patches: scratch, output: output)
            r0 += rows
        }
        if let f = epilogue.activation { ElementwiseKernel.activation(f, input: output, output: output, count: pixels * cout, threads: threads) }
    }

    /// Adds each input pixel's `[kh, kw, Cout]` patch into the output pixels it lands on.
    static func scatter(_ g: Geometry, rows: Range<Int>, patches: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
        let cout = g.outChannels
        for m in rows {
            let b = m / (g.inHeight * g.inWidth), rest = m - b * g.inHeight * g.inWidth
            let iy = rest / g.inWidth, ix = rest - iy * g.inWidth
            let patch = patches + (m - rows.lowerBound) * g.patch
            for ky in 0..<g.kernelHeight {
                let oy = iy * g.strideH - g.cropTop + ky
                if oy < 0 || oy >= g.outHeight { continue }
                for kx in 0..<g.kernelWidth {
                    let ox = ix * g.strideW - g.cropLeft + kx
                    if ox < 0 || ox >= g.outWidth { continue }
                    let y = output + ((b * g.outHeight + oy) * g.outWidth + ox) * cout
                    let v = patch + (ky * g.kernelWidth + kx) * cout
                    for c in 0..<cout { y[c] += v[c] }
                }
            }
        }
    }
}

