import GraphcIR

/// The geometry of an NHWC max or average pool, resolved for one input shape.
struct PoolGeometry: Equatable {
    var batch, inHeight, inWidth, channels: Int
    var windowH, windowW, strideH, strideW: Int
    var padTop, padLeft, padBottom, padRight: Int
    var outHeight, outWidth: Int
    /// Average pooling divides by the window clipped to the padded input (PyTorch's
    /// count_include_pad) instead of by the inputs it covers (TF).
    var countPadding: Bool
}

enum PoolingKernel {
    static func prepare(_ c: StepContext) -> Step? {
        let isMax: Bool, a: PoolAttributes
        switch c.node.op {
        case let .maxPool(p): (isMax, a) = (true, p)
        case let .avgPool(p): (isMax, a) = (false, p)
        default: return nil
        }
        let x = c.inputShape(0)
        let pads = (try? ShapeInference.explicitPads(a.padding, inputH: x[1], inputW: x[2], windowH: a.windowH, windowW: a.windowW,
                                                     strideH: a.strideH, strideW: a.strideW)) ?? (0, 0, 0, 0)
        var countPadding = false
        if case .explicit = a.padding { countPadding = a.countIncludePad }
        let g = PoolGeometry(batch: x[0], inHeight: x[1], inWidth: x[2], channels: x[3], windowH: a.windowH, windowW: a.windowW,
                             strideH: a.strideH, strideW: a.strideW, padTop: pads.0, padLeft: pads.2, padBottom: pads.1, padRight: pads.3,
                             outHeight: c.outputShape[1], outWidth: c.outputShape[2], countPadding: countPadding)
        let input = c.input(0), output = c.output, threads = c.threads
        if isMax { return { max(g, input: input, output: output, threads: threads) } }
        return { average(g, input: input, output: output, threads: threads) }
    }

    /// Max pooling: the largest input in each window; padding never wins; NaN wins (as in TF
    /// and PyTorch). Eight channels at a time: NHWC keeps a pixel's channels contiguous, so
    /// each window position is one vector load and compare per 8 channels.
    static func max(_ g: PoolGeometry, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, threads: Int) {
        typealias V = SIMD8<Float>
        let c = g.channels, vectorEnd = c - c % V.scalarCount
        parallelFor(g.batch * g.outHeight, threads: threads, minimumPerThread: 4) { rows in
            for r in rows {
                let b = r / g.outHeight, oy = r % g.outHeight
                let y0 = Swift.max(oy * g.strideH - g.padTop, 0), y1 = Swift.max(y0, Swift.min(oy * g.strideH - g.padTop + g.windowH, g.inHeight))
                let image = input + b * g.inHeight * g.inWidth * c
                for ox in 0..<g.outWidth {
                    let x0 = Swift.max(ox * g.strideW - g.padLeft, 0), x1 = Swift.max(x0, Swift.min(ox * g.strideW - g.padLeft + g.windowW, g.inWidth))
                    let out = output + ((b * g.outHeight + oy) * g.outWidth + ox) * c
                    var ch = 0
                    while ch < vectorEnd {
                        var best = V(repeating: -.infinity)
                        for y in y0..<y1 {
                            for x in x0..<x1 {
                                let v = UnsafeRawPointer(image + (y * g.inWidth + x) * c + ch).loadUnaligned(as: V.self)
                                // v > best, or v is NaN (v != v): either way v wins.
                                best.replace(with: v, where: (v .> best) .| (v .!= v))
                            }
                        }
                        UnsafeMutableRawPointer(out + ch).storeBytes(of: best, as: V.self)
                        ch += V.scalarCount
                    }
                    for ch in vectorEnd..<c {
                        var best = -Float.infinity
                        for y in y0..<y1 {
                            for x in x0..<x1 {
                                let v = image[(y * g.inWidth + x) * c + ch]
                                if v > best || v.isNaN { best = v }
                            }
                        }
                        out[ch] = best
                    }
                }
            }
        }
    }

    /// Average pooling with TF's (valid inputs only) or PyTorch's (count_include_pad) divisor.
    static func average(_ g: PoolGeometry, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, threads: Int) {
        let c = g.channels
        parallelFor(g.batch * g.outHeight, threads: threads, minimumPerThread: 4) { rows in
            for r in rows {
                let b = r / g.outHeight, oy = r % g.outHeight
                let ys = oy * g.strideH - g.padTop
                let yEndPadded = Swift.min(ys + g.windowH, g.inHeight + g.padBottom)
                let y0 = Swift.max(ys, 0), y1 = Swift.min(ys + g.windowH, g.inHeight)
                for ox in 0..<g.outWidth {
                    let xs = ox * g.strideW - g.padLeft
                    let xEndPadded = Swift.min(xs + g.windowW, g.inWidth + g.padRight)
                    let x0 = Swift.max(xs, 0), x1 = Swift.min(xs + g.windowW, g.inWidth)
                    let count = g.countPadding ? (yEndPadded - ys) * (xEndPadded - xs) : Swift.max(0, y1 - y0) * Swift.max(0, x1 - x0)
                    let out = output + ((b * g.outHeight + oy) * g.outWidth + ox) * c
                    out.update(repeating: 0, count: c)
                    for y in y0..<Swift.max(y0, y1) {
                        for x in x0..<Swift.max(x0, x1) {
                            let src = input + ((b * g.inHeight + y) * g.inWidth + x) * c
                            for ch in 0..<c { out[ch] += src[ch] }
                        }
                    }
                    let scale = count > 0 ? 1 / Float(count) : 0
                    for ch in 0..<c { out[ch] *= scale }
                }
            }
        }
    }
}
