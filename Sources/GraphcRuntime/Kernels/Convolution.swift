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

enum ConvolutionKernel {
    /// The geometry of `c`'s convolution at its concrete shapes.
    static func geometry(_ c: StepContext) -> ConvGeometry {
        guard case let .conv2d(a) = c.node.op else { preconditionFailure("not a convolution") }
        let x = c.inputShape(0), w = c.inputShape(1), y = c.outputShape
        let (kh, kw) = a.algorithm == nil ? (w[0], w[1]) : (WinogradTransform.kernel, WinogradTransform.kernel)
        let pads = try? ShapeInference.explicitPads(a.padding, inputH: x[1], inputW: x[2], windowH: (kh - 1) * a.dilationH + 1,
                                                    windowW: (kw - 1) * a.dilationW + 1, strideH: a.strideH, strideW: a.strideW)
        return ConvGeometry(batch: x[0], inHeight: x[1], inWidth: x[2], inChannels: x[3], kernelHeight: kh, kernelWidth: kw,
                            outChannels: w[3], strideH: a.strideH, strideW: a.strideW, dilationH: a.dilationH, dilationW: a.dilationW,
                            padTop: pads?.0 ?? 0, padLeft: pads?.2 ?? 0, outHeight: y[1], outWidth: y[2])
    }

    static func prepare(_ c: StepContext) throws(RuntimeError) -> Step? {
        if case let .conv2d(a) = c.node.op, a.algorithm != nil { return try WinogradKernel.prepare(c) }
        if case let .conv2d(a) = c.node.op, a.isGrouped { return try GroupedConvolutionKernel.prepare(c) }
        let g = geometry(c)
        let x = c.input(0), w = c.input(.weights)!, y = c.output, epilogue = c.epilogue, scratch = c.scratch, threads = c.threads
        let tileRows = max(1, (c.scratch == nil ? g.k : c.scratchElements) / max(g.k, 1))
        var prologue: ProloguePointers?
        if case let .conv2d(a) = c.node.op, let p = a.prologue {
            guard scratch != nil else { throw RuntimeError("the plan gives the convolution '\(c.node.name)' with a prologue no scratch; compile it again") }
            prologue = ProloguePointers(scale: c.input(.scale)!, shift: c.input(.shift)!, activation: p.activation)
        }
        if case let .conv2d(a) = c.node.op, a.weightLayout == .panels16 {
            return { run(g, input: x, weights: w, packed: w, output: y, epilogue: epilogue, prologue: prologue, scratch: scratch, tileRows: tileRows,
                         threads: threads) }
        }
        // Weights the compiler did not pack (an unoptimized plan, an odd channel count): packed here, once.
        let packed = PackedWeights(w, k: g.k, n: g.outChannels)
        return { run(g, input: x, weights: w, packed: packed.pointer, output: y, epilogue: epilogue, prologue: prologue, scratch: scratch,
                     tileRows: tileRows, threads: threads) }
    }

    /// A convolution's prologue resolved to pointers (`Conv2DAttributes.Prologue`).
    struct ProloguePointers {
        var scale, shift: UnsafePointer<Float>
        var activation: Activation?
    }

    /// im2col + GEMM with the weights (HWIO: already the `[k, outChannels]` matrix) packed in
    /// panels. Without scratch (the plan gives none to 1x1 stride-1 unpadded convolutions,
    /// `KernelScratch.isPointwise`) the GEMM reads the input directly.
    ///
    /// Tall products (more output pixels than channels: early layers) are split by rows, and
    /// each thread unfolds `chunkRows` of its rows at a time into its own part of the scratch
    /// and multiplies them at once, so the unfolded rows never leave L1/L2 and no thread waits
    /// for another. Wide ones (late layers) unfold up to `tileRows` rows together, then split
    /// the product by columns, so each thread reads only its share of the weights.
    static func run(_ g: ConvGeometry, input: UnsafePointer<Float>, weights: UnsafePointer<Float>, packed: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
                    epilogue: EpiloguePointers, prologue: ProloguePointers? = nil, scratch: UnsafeMutablePointer<Float>?, tileRows: Int, threads: Int) {
        let n = g.outChannels
        guard let scratch else {
            PartitionedGEMM.run(m: g.m, n: n, k: g.k, a: input, lda: g.k, b: weights, packed: packed, output: output, epilogue: epilogue, threads: threads)
            return
        }
        let work = g.m.multipliedReportingOverflow(by: n * g.k).partialValue
        let workers = max(1, min(threads, tileRows, work / PartitionedGEMM.minimumWorkPerThread))
        if g.m >= n {
            let chunk = max(1, min(chunkRows, tileRows / workers))
            parallelFor(workers, threads: workers) { range in
                for w in range {
                    let mine = scratch + w * chunk * g.k
                    var r0 = g.m * w / workers
                    let end = g.m * (w + 1) / workers
                    while r0 < end {
                        let count = min(chunk, end - r0)
                        prepareRows(g, input: input, prologue: prologue, rows: r0..<r0 + count, into: mine)
                        PartitionedGEMM.multiply(rows: 0..<count, columns: 0..<n, n: n, k: g.k, a: mine, lda: g.k, b: weights, packed: packed,
                                                 output: output + r0 * n, epilogue: epilogue.advanced(by: r0 * n))
                        r0 += count
                    }
                }
            }
            return
        }
        var m0 = 0
        while m0 < g.m {
            let rows = min(tileRows, g.m - m0), first = m0
            PartitionedGEMM.run(m: rows, n: n, k: g.k, a: scratch, lda: g.k, b: weights, packed: packed, output: output + m0 * n,
                                epilogue: epilogue.advanced(by: m0 * n), threads: threads, unfolds: true) { range in
                prepareRows(g, input: input, prologue: prologue, rows: range.lowerBound + first..<range.upperBound + first,
                            into: scratch + range.lowerBound * g.k)
            }
            m0 += rows
        }
    }
    /// Rows a thread unfolds and multiplies at a time in a tall product: 96 rows of a 7x7x3
    /// stem's 147 values are 55 KiB.
    static let chunkRows = 96

    /// Writes the GEMM's rows for output pixels `rows`: their receptive fields (`unfold`), or,
    /// for a 1x1 convolution with a prologue, their input pixels through the prologue.
    @inline(__always)
    static func prepareRows(_ g: ConvGeometry, input: UnsafePointer<Float>, prologue: ProloguePointers?, rows: Range<Int>,
                            into columns: UnsafeMutablePointer<Float>) {
        guard let p = prologue else {
            unfold(g, input: input, rows: rows, into: columns)
            return
        }
        ElementwiseKernel.affineRows(input: input + rows.lowerBound * g.inChannels, scale: p.scale, shift: p.shift, output: columns,
                                     rows: rows.count, channels: g.inChannels, activation: p.activation)
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
                let ix0 = ox * g.strideW - g.padLeft
                if g.dilationW == 1, ix0 >= 0, ix0 + g.kernelWidth <= g.inWidth {
                    // The window's row lies inside the image: kw * cin contiguous values.
                    dst.update(from: row + ix0 * cin, count: g.kernelWidth * cin)
                    dst += g.kernelWidth * cin
                    continue
                }
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
