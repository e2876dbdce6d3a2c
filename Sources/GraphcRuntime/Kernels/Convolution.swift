import GraphcIR

/// The geometry of an NHWC convolution with HWIO weights, resolved for one input shape.
struct ConvGeometry: Equatable {
    var batch, inHeight, inWidth, inChannels: Int
    var kernelHeight, kernelWidth, outChannels: Int
    var strideH, strideW, dilationH, dilationW: Int
    var padTop, padLeft: Int
    var outHeight, outWidth: Int

    /// Rows of the GEMM: one per output pixel.
    var m: Int { batch * outHeight * outWidth }
    /// Depth of the GEMM: one per weight in a filter.
    var k: Int { kernelHeight * kernelWidth * inChannels }
}

/// A fused epilogue resolved to pointers: bias [C], residual of the output's shape (which may
/// be the output buffer itself, when the planner runs the op in place on it), activation.
struct EpiloguePointers {
    var bias: UnsafePointer<Float>?
    var residual: UnsafePointer<Float>?
    var activation: Activation
}

enum EpilogueKernel {
    /// Before the GEMM: puts the residual rows in the output, so the GEMM accumulates onto them
    /// (beta = 1). Returns the beta to use.
    @inline(__always)
    static func prepare(_ e: EpiloguePointers, output: UnsafeMutablePointer<Float>, offset: Int, count: Int) -> Float {
        guard let r = e.residual else { return 0 }
        if r + offset != UnsafePointer(output + offset) { (output + offset).update(from: r + offset, count: count) }
        return 1
    }

    /// After the GEMM: y = activation(y + bias) over `rows` rows of `channels`.
    @inline(__always)
    static func finish(_ e: EpiloguePointers, output: UnsafeMutablePointer<Float>, rows: Int, channels: Int, threads: Int) {
        guard e.bias != nil || e.activation != .none else { return }
        parallelFor(rows, threads: threads, minimumPerThread: max(1, (1 << 15) / max(channels, 1))) { range in
            for row in range {
                let y = output + row * channels
                if let b = e.bias {
                    switch e.activation {
                    case .none: for c in 0..<channels { y[c] += b[c] }
                    case .relu: for c in 0..<channels { y[c] = max(y[c] + b[c], 0) }
                    case .relu6: for c in 0..<channels { y[c] = min(max(y[c] + b[c], 0), 6) }
                    }
                } else {
                    switch e.activation {
                    case .none: break
                    case .relu: for c in 0..<channels { y[c] = max(y[c], 0) }
                    case .relu6: for c in 0..<channels { y[c] = min(max(y[c], 0), 6) }
                    }
                }
            }
        }
    }
}

enum ConvolutionKernel {
    /// im2col + GEMM, tiled: `tileRows` output pixels at a time are unfolded into `scratch`
    /// (`tileRows * k` floats) and multiplied by the weights, which as HWIO are already the
    /// `[k, outChannels]` matrix; each tile's epilogue runs while it is in cache. Without
    /// scratch (the plan gives none to 1x1 stride-1 unpadded convolutions, `Im2col.isPointwise`)
    /// the GEMM reads the input directly.
    static func run(_ g: ConvGeometry, input: UnsafePointer<Float>, weights: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
                    epilogue: EpiloguePointers, scratch: UnsafeMutablePointer<Float>?, tileRows: Int, threads: Int) {
        let n = g.outChannels
        guard let scratch else {
            let beta = EpilogueKernel.prepare(epilogue, output: output, offset: 0, count: g.m * n)
            BLAS.sgemm(m: g.m, n: n, k: g.k, a: input, lda: g.k, b: weights, ldb: n, c: output, ldc: n, beta: beta)
            EpilogueKernel.finish(epilogue, output: output, rows: g.m, channels: n, threads: threads)
            return
        }
        var m0 = 0
        while m0 < g.m {
            let rows = min(tileRows, g.m - m0)
            parallelFor(rows, threads: threads, minimumPerThread: 64) { range in
                unfold(g, input: input, rows: range.lowerBound + m0..<range.upperBound + m0, into: scratch + range.lowerBound * g.k)
            }
            let beta = EpilogueKernel.prepare(epilogue, output: output, offset: m0 * n, count: rows * n)
            BLAS.sgemm(m: rows, n: n, k: g.k, a: scratch, lda: g.k, b: weights, ldb: n, c: output + m0 * n, ldc: n, beta: beta)
            EpilogueKernel.finish(epilogue, output: output + m0 * n, rows: rows, channels: n, threads: threads)
            m0 += rows
        }
    }
    /// Writes the receptive field of each output pixel in `rows` as one row of `k` values
    /// (kh, kw, cin order), zeros where the window lies in the padding.
    @inline(__always)
    static func unfold(_ g: ConvGeometry, input: UnsafePointer<Float>, rows: Range<Int>, into columns: UnsafeMutablePointer<Float>) {
        let cin = g.inChannels
        var dst = columns
        let pixelsPerImage = g.outHeight * g.outWidth
        for m in rows {
            let b = m / pixelsPerImage
            let p = m - b * pixelsPerImage
            let oy = p / g.outWidth, ox = p - (p / g.outWidth) * g.outWidth
            let image = input + b * g.inHeight * g.inWidth * cin
            for ky in 0..<g.kernelHeight {
                let iy = oy * g.strideH - g.padTop + ky * g.dilationH
                if iy < 0 || iy >= g.inHeight {
                    dst.update(repeating: 0, count: g.kernelWidth * cin)
                    dst += g.kernelWidth * cin
                    continue
                }
                let row = image + iy * g.inWidth * cin
                for kx in 0..<g.kernelWidth {
                    let ix = ox * g.strideW - g.padLeft + kx * g.dilationW
                    if ix < 0 || ix >= g.inWidth {
                        dst.update(repeating: 0, count: cin)
                    } else {
                        dst.update(from: row + ix * cin, count: cin)
                    }
                    dst += cin
                }
            }
        }
    }
}
