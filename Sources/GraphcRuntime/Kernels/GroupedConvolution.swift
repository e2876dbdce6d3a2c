import GraphcIR

/// Grouped and depthwise convolutions, computed directly: each output pixel's row of channels
/// is started from the residual and bias, then every kernel tap inside the image adds its
/// products, then the activation runs on the row while it is in L1. No im2col: a depthwise
/// layer does kh * kw multiply-adds per output, too few to pay for unfolding.
///
/// Depthwise with multiplier 1 (MobileNet, EfficientNet) multiplies whole channel rows, 8
/// channels per SIMD vector; other groupings add each input channel's row of weights to its
/// group's outputs. Rows of output pixels are split across threads.
enum GroupedConvolutionKernel {
    struct Geometry {
        var conv: ConvGeometry
        var groups, inputsPerGroup: Int
        var outputsPerGroup: Int { conv.outChannels / groups }
    }

    static func prepare(_ c: StepContext) throws(RuntimeError) -> Step? {
        guard case let .conv2d(a) = c.node.op else { return nil }
        var conv = ConvolutionKernel.geometry(c)
        let split = a.grouping(inputChannels: conv.inChannels, weights: c.inputShape(1))
        conv.outChannels = split.outputs
        let g = Geometry(conv: conv, groups: split.groups, inputsPerGroup: split.inputsPerGroup)
        let x = c.input(0), w = c.input(.weights)!, y = c.output, epilogue = c.epilogue, threads = c.threads
        return { run(g, input: x, weights: w, output: y, epilogue: epilogue, threads: threads) }
    }

    static func run(_ g: Geometry, input: UnsafePointer<Float>, weights: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
                    epilogue: EpiloguePointers, threads: Int) {
        let rows = g.conv.batch * g.conv.outHeight
        let work = rows * g.conv.outWidth * g.conv.outChannels * g.conv.kernelHeight * g.conv.kernelWidth * g.inputsPerGroup
        let perRow = max(1, work / max(rows, 1))
        parallelFor(rows, threads: threads, minimumPerThread: max(1, PartitionedGEMM.minimumWorkPerThread / perRow)) { range in
            for row in range { outputRow(g, row, input: input, weights: weights, output: output, epilogue: epilogue) }
        }
    }

    /// One row of output pixels (image `row / outHeight`, output line `row % outHeight`).
    @inline(__always)
    static func outputRow(_ g: Geometry, _ row: Int, input: UnsafePointer<Float>, weights: UnsafePointer<Float>,
                          output: UnsafeMutablePointer<Float>, epilogue: EpiloguePointers) {
        let c = g.conv
        let b = row / c.outHeight, oy = row - b * c.outHeight
        let cin = c.inChannels, cout = c.outChannels
        let image = input + b * c.inHeight * c.inWidth * cin
        let depthwiseOne = g.inputsPerGroup == 1 && g.outputsPerGroup == 1
        for ox in 0..<c.outWidth {
            let offset = (row * c.outWidth + ox) * cout
            let y = output + offset
            start(y, count: cout, bias: epilogue.bias, residual: epilogue.residual.map { $0 + offset })
            for ky in 0..<c.kernelHeight {
                let iy = oy * c.strideH - c.padTop + ky * c.dilationH
                if iy < 0 || iy >= c.inHeight { continue }
                for kx in 0..<c.kernelWidth {
                    let ix = ox * c.strideW - c.padLeft + kx * c.dilationW
                    if ix < 0 || ix >= c.inWidth { continue }
                    let pixel = image + (iy * c.inWidth + ix) * cin
                    // Weights of this tap: [inputsPerGroup, cout], row-major.
                    let tap = weights + (ky * c.kernelWidth + kx) * g.inputsPerGroup * cout
                    if depthwiseOne {
                        multiplyAdd(y, pixel, tap, count: cout)
                    } else {
                        addGroups(g, y, pixel, tap)
                    }
                }
            }
            if let f = epilogue.activation { ElementwiseKernel.apply(f, y, y, count: cout) }
        }
    }

    /// y = residual + bias (either may be absent; the residual may be y itself).
    @inline(__always)
    static func start(_ y: UnsafeMutablePointer<Float>, count: Int, bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>?) {
        switch (bias, residual) {
        case (nil, nil): y.update(repeating: 0, count: count)
        case let (b?, nil): y.update(from: b, count: count)
        case let (nil, r?): if UnsafePointer(y) != r { y.update(from: r, count: count) }
        case let (b?, r?): for i in 0..<count { y[i] = r[i] + b[i] }
        }
    }

    /// y[i] += x[i] * w[i], 8 lanes at a time.
    @inline(__always)
    static func multiplyAdd(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, count: Int) {
        var i = 0
        while i + 8 <= count {
            let r = UnsafeMutableRawPointer(y + i)
            let sum = r.loadUnaligned(as: SIMD8<Float>.self)
                .addingProduct(UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self), UnsafeRawPointer(w + i).loadUnaligned(as: SIMD8<Float>.self))
            r.storeBytes(of: sum, as: SIMD8<Float>.self)
            i += 8
        }
        while i < count { y[i] += x[i] * w[i]; i += 1 }
    }

    /// Every group: its outputs += each of its input channels times that channel's weight row.
    @inline(__always)
    static func addGroups(_ g: Geometry, _ y: UnsafeMutablePointer<Float>, _ pixel: UnsafePointer<Float>, _ tap: UnsafePointer<Float>) {
        let perOut = g.outputsPerGroup, perIn = g.inputsPerGroup, cout = g.conv.outChannels
        for group in 0..<g.groups {
            let out = y + group * perOut
            for i in 0..<perIn {
                let v = pixel[group * perIn + i]
                let w = tap + i * cout + group * perOut
                var o = 0
                while o + 8 <= perOut {
                    let r = UnsafeMutableRawPointer(out + o)
                    let sum = r.loadUnaligned(as: SIMD8<Float>.self).addingProduct(SIMD8(repeating: v), UnsafeRawPointer(w + o).loadUnaligned(as: SIMD8<Float>.self))
                    r.storeBytes(of: sum, as: SIMD8<Float>.self)
                    o += 8
                }
                while o < perOut { out[o] += v * w[o]; o += 1 }
            }
        }
    }
}
