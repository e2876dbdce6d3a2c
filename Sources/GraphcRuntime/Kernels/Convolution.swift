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

    /// A 1x1, stride-1, unpadded convolution is a plain GEMM on the input, no copy.
    var isPointwise: Bool {
        kernelHeight == 1 && kernelWidth == 1 && strideH == 1 && strideW == 1 && padTop == 0 && padLeft == 0
            && outHeight == inHeight && outWidth == inWidth
    }
}

enum ConvolutionKernel {
    /// im2col + GEMM, tiled: `tileRows` output pixels at a time are unfolded into `scratch`
    /// (`tileRows * k` floats) and multiplied by the weights, which as HWIO are already the
    /// `[k, outChannels]` matrix. 1x1 stride-1 convolutions skip the copy.
    static func run(_ g: ConvGeometry, input: UnsafePointer<Float>, weights: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
                    scratch: UnsafeMutablePointer<Float>, tileRows: Int, threads: Int) {
        if g.isPointwise {
            BLAS.sgemm(m: g.m, n: g.outChannels, k: g.k, a: input, lda: g.k, b: weights, ldb: g.outChannels, c: output, ldc: g.outChannels)
            return
        }
        var m0 = 0
        while m0 < g.m {
            let rows = min(tileRows, g.m - m0)
            parallelFor(rows, threads: threads, minimumPerThread: 64) { range in
                unfold(g, input: input, rows: range.lowerBound + m0..<range.upperBound + m0, into: scratch + range.lowerBound * g.k)
            }
            BLAS.sgemm(m: rows, n: g.outChannels, k: g.k, a: scratch, lda: g.k, b: weights, ldb: g.outChannels,
                       c: output + m0 * g.outChannels, ldc: g.outChannels)
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
