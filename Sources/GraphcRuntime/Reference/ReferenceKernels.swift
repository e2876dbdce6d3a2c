import Foundation
import GraphcIR

/// Plain nested-loop kernels: the independent reference the fast kernels are tested against
/// and what `graphc run --reference` executes. Written for clarity, not speed; each works out
/// its own padding from the op's attributes.
public enum ReferenceKernels {
    /// TF's SAME split, or the explicit pads: (before, after) for one spatial axis.
    static func pads(_ padding: Padding, input: Int, output: Int, window: Int, stride: Int, vertical: Bool) -> (Int, Int) {
        switch padding {
        case .valid: return (0, 0)
        case let .explicit(t, b, l, r): return vertical ? (t, b) : (l, r)
        case .same:
            let needed = max(0, (output - 1) * stride + window - input)
            return (needed / 2, needed - needed / 2)
        }
    }

    public static func conv2d(_ x: UnsafePointer<Float>, _ xs: [Int], _ w: UnsafePointer<Float>, _ ws: [Int], _ a: Conv2DAttributes,
                              _ y: UnsafeMutablePointer<Float>, _ ys: [Int]) {
        let (n, h, wd, ci) = (xs[0], xs[1], xs[2], xs[3])
        let (kh, kw, co) = (ws[0], ws[1], ys[3])
        let (oh, ow) = (ys[1], ys[2])
        let (top, _) = pads(a.padding, input: h, output: oh, window: (kh - 1) * a.dilationH + 1, stride: a.strideH, vertical: true)
        let (left, _) = pads(a.padding, input: wd, output: ow, window: (kw - 1) * a.dilationW + 1, stride: a.strideW, vertical: false)
        // Output channel o reads input channels group(o) * perGroup ..< + perGroup. Depthwise
        // weights [kh, kw, ci, m] give output c * m + j from input c, weight index (ky, kx, c, j).
        let depthwise = a.depthwise == true
        let groups = depthwise ? ci : (a.groups ?? 1)
        let perGroup = ci / groups, outPerGroup = co / groups
        let rows = kh * kw * perGroup
        /// Weight (k, o) of the [kh*kw*perGroup, co] matrix, however it is stored.
        func weight(_ k: Int, _ o: Int) -> Float { w[a.weightLayout?.index(k: k, n: o, rows: rows) ?? k * co + o] }
        for b in 0..<n { for oy in 0..<oh { for ox in 0..<ow { for o in 0..<co {
            var sum: Double = 0
            let first = (o / outPerGroup) * perGroup
            for ky in 0..<kh { for kx in 0..<kw {
                let iy = oy * a.strideH - top + ky * a.dilationH
                let ix = ox * a.strideW - left + kx * a.dilationW
                if iy < 0 || iy >= h || ix < 0 || ix >= wd { continue }
                for c in 0..<perGroup {
                    sum += Double(x[((b * h + iy) * wd + ix) * ci + first + c]) * Double(weight((ky * kw + kx) * perGroup + c, o))
                }
            } }
            y[((b * oh + oy) * ow + ox) * co + o] = Float(sum)
        } } } }
    }

    /// A Winograd F(4x4, 3x3) convolution from its definition, in double precision: for each
    /// 4x4 output tile and output channel, Aᵀ [Σ_cin U ⊙ (Bᵀ d B)] A with the matrices of
    /// `WinogradTransform`, d the tile's 6x6 input patch (zeros outside the image).
    public static func winogradConv2d(_ x: UnsafePointer<Float>, _ xs: [Int], _ u: UnsafePointer<Float>, _ us: [Int], _ a: Conv2DAttributes,
                                      _ y: UnsafeMutablePointer<Float>, _ ys: [Int]) {
        let (n, h, wd, ci) = (xs[0], xs[1], xs[2], xs[3])
        let (co, oh, ow) = (us[3], ys[1], ys[2])
        let transform = a.algorithm!.transform
        let t = transform.inputTile, m = transform.outputTile
        let bt = transform.bt, at = transform.at
        let (top, _) = pads(a.padding, input: h, output: oh, window: 3, stride: 1, vertical: true)
        let (left, _) = pads(a.padding, input: wd, output: ow, window: 3, stride: 1, vertical: false)
        for b in 0..<n { for ty in stride(from: 0, to: oh, by: m) { for tx in stride(from: 0, to: ow, by: m) {
            // V[c] = Bᵀ d B for every input channel.
            var v = [[Double]](repeating: [Double](repeating: 0, count: t * t), count: ci)
            for c in 0..<ci {
                var d = [Double](repeating: 0, count: t * t)
                for i in 0..<t { for j in 0..<t {
                    let iy = ty - top + i, ix = tx - left + j
                    if iy >= 0, iy < h, ix >= 0, ix < wd { d[i * t + j] = Double(x[((b * h + iy) * wd + ix) * ci + c]) }
                } }
                for i in 0..<t { for j in 0..<t {
                    var sum = 0.0
                    for k in 0..<t { for l in 0..<t { sum += bt[i][k] * d[k * t + l] * bt[j][l] } }
                    v[c][i * t + j] = sum
                } }
            }
            for o in 0..<co {
                var acc = [Double](repeating: 0, count: t * t)
                for c in 0..<ci { for p in 0..<t * t {
                    let inMatrix = a.weightLayout?.index(k: c, n: o, rows: ci) ?? c * co + o
                    acc[p] += Double(u[p * ci * co + inMatrix]) * v[c][p]
                } }
                for i in 0..<m { for j in 0..<m where ty + i < oh && tx + j < ow {
                    var sum = 0.0
                    for k in 0..<t { for l in 0..<t { sum += at[i][k] * acc[k * t + l] * at[j][l] } }
                    y[((b * oh + ty + i) * ow + tx + j) * co + o] = Float(sum)
                } }
            }
        } } }
    }

    public static func pool(max isMax: Bool, _ x: UnsafePointer<Float>, _ xs: [Int], _ a: PoolAttributes, _ y: UnsafeMutablePointer<Float>, _ ys: [Int]) {
        let (n, h, wd, c) = (xs[0], xs[1], xs[2], xs[3])
        let (oh, ow) = (ys[1], ys[2])
        let (top, bottom) = pads(a.padding, input: h, output: oh, window: a.windowH, stride: a.strideH, vertical: true)
        let (left, right) = pads(a.padding, input: wd, output: ow, window: a.windowW, stride: a.strideW, vertical: false)
        let includePad: Bool
        if case .explicit = a.padding { includePad = a.countIncludePad } else { includePad = false }
        for b in 0..<n { for oy in 0..<oh { for ox in 0..<ow { for ch in 0..<c {
            var best = -Float.infinity
            var sum: Double = 0, count = 0
            for ky in 0..<a.windowH { for kx in 0..<a.windowW {
                let iy = oy * a.strideH - top + ky, ix = ox * a.strideW - left + kx
                if includePad, iy >= -top, iy < h + bottom, ix >= -left, ix < wd + right, !(iy >= 0 && iy < h && ix >= 0 && ix < wd) { count += 1 }
                guard iy >= 0, iy < h, ix >= 0, ix < wd else { continue }
                let v = x[((b * h + iy) * wd + ix) * c + ch]
                best = Swift.max(best, v)
                sum += Double(v)
                count += 1
            } }
            y[((b * oh + oy) * ow + ox) * c + ch] = isMax ? best : (count > 0 ? Float(sum / Double(count)) : 0)
        } } } }
    }

    /// f(x) element by element, in double precision from each activation's definition.
    public static func activation(_ f: Activation, _ x: UnsafePointer<Float>, count: Int, _ y: UnsafeMutablePointer<Float>) {
        for i in 0..<count { y[i] = Float(apply(f, Double(x[i]))) }
    }

    /// An activation written out again, independently of `Activation`'s own formula.
    static func apply(_ f: Activation, _ v: Double) -> Double {
        switch f {
        case .relu: return Swift.max(v, 0)
        case .relu6: return Swift.min(Swift.max(v, 0), 6)
        case .sigmoid: return 1 / (1 + Foundation.exp(-v))
        case .tanh: return Foundation.tanh(v)
        case let .leakyRelu(alpha): return v > 0 ? v : Double(alpha) * v
        case let .elu(alpha): return v > 0 ? v : Double(alpha) * Foundation.expm1(v)
        case let .hardSigmoid(alpha, beta): return Swift.max(0, Swift.min(1, Double(alpha) * v + Double(beta)))
        case .hardSwish: return v * Swift.min(Swift.max(v + 3, 0), 6) / 6
        case .swish: return v / (1 + Foundation.exp(-v))
        case let .gelu(tanh):
            if tanh { return 0.5 * v * (1 + Foundation.tanh((2 / Double.pi).squareRoot() * (v + 0.044715 * v * v * v))) }
            return 0.5 * v * (1 + Foundation.erf(v / 2.0.squareRoot()))
        case .negative: return -v
        case .erf: return Foundation.erf(v)
        }
    }

    /// a op b with NumPy broadcasting, index by index, in double precision.
    public static func binary(_ op: BinaryArithmetic, _ a: UnsafePointer<Float>, _ ashape: [Int], _ b: UnsafePointer<Float>, _ bshape: [Int],
                              _ y: UnsafeMutablePointer<Float>, _ yshape: [Int]) {
        let rank = yshape.count
        let pa = [Int](repeating: 1, count: rank - ashape.count) + ashape
        let pb = [Int](repeating: 1, count: rank - bshape.count) + bshape
        let count = yshape.reduce(1, *)
        for i in 0..<count {
            var rem = i
            var index = [Int](repeating: 0, count: rank)
            for d in stride(from: rank - 1, through: 0, by: -1) { index[d] = rem % yshape[d]; rem /= yshape[d] }
            var ai = 0, bi = 0
            for d in 0..<rank {
                ai = ai * pa[d] + (pa[d] == 1 ? 0 : index[d])
                bi = bi * pb[d] + (pb[d] == 1 ? 0 : index[d])
            }
            let u = Double(a[ai]), v = Double(b[bi])
            switch op {
            case .add: y[i] = Float(u + v)
            case .mul: y[i] = Float(u * v)
            case .sub: y[i] = Float(u - v)
            case .div: y[i] = Float(u / v)
            case .max: y[i] = u.isNaN || v.isNaN ? .nan : Float(Swift.max(u, v))
            case .min: y[i] = u.isNaN || v.isNaN ? .nan : Float(Swift.min(u, v))
            }
        }
    }

    /// y = activation(y + bias + residual), element by element.
    public static func epilogue(_ y: UnsafeMutablePointer<Float>, count: Int, channels: Int, bias: UnsafePointer<Float>?,
                                residual: UnsafePointer<Float>?, activation: Activation?) {
        for i in 0..<count {
            var v = y[i]
            if let bias { v += bias[i % channels] }
            if let residual { v += residual[i] }
            y[i] = activation.map { Float(apply($0, Double(v))) } ?? v
        }
    }

    /// y = activation(x * scale + shift) per channel.
    public static func scaleShift(_ x: UnsafePointer<Float>, count: Int, channels: Int, scale: UnsafePointer<Float>, shift: UnsafePointer<Float>,
                                  activation: Activation?, _ y: UnsafeMutablePointer<Float>) {
        for i in 0..<count { y[i] = x[i] * scale[i % channels] + shift[i % channels] }
        epilogue(y, count: count, channels: channels, bias: nil, residual: nil, activation: activation)
    }

    public static func biasAdd(_ x: UnsafePointer<Float>, count: Int, _ bias: UnsafePointer<Float>, channels: Int, _ y: UnsafeMutablePointer<Float>) {
        for i in 0..<count { y[i] = x[i] + bias[i % channels] }
    }

    /// x [rows, k] times w [k, n].
    public static func matMul(_ x: UnsafePointer<Float>, rows: Int, k: Int, _ w: UnsafePointer<Float>, n: Int, _ y: UnsafeMutablePointer<Float>) {
        for r in 0..<rows { for j in 0..<n {
            var sum: Double = 0
            for i in 0..<k { sum += Double(x[r * k + i]) * Double(w[i * n + j]) }
            y[r * n + j] = Float(sum)
        } }
    }

    public static func mean(_ x: UnsafePointer<Float>, _ xs: [Int], axes: [Int], _ y: UnsafeMutablePointer<Float>) {
        let kept = xs.indices.filter { !axes.contains($0) }
        let outCount = kept.reduce(1) { $0 * xs[$1] }
        let n = axes.reduce(1) { $0 * xs[$1] }
        var sums = [Double](repeating: 0, count: outCount)
        let total = xs.reduce(1, *)
        for i in 0..<total {
            var rem = i
            var index = [Int](repeating: 0, count: xs.count)
            for d in stride(from: xs.count - 1, through: 0, by: -1) { index[d] = rem % xs[d]; rem /= xs[d] }
            var o = 0
            for d in kept { o = o * xs[d] + index[d] }
            sums[o] += Double(x[i])
        }
        for i in 0..<outCount { y[i] = Float(sums[i] / Double(n)) }
    }

    public static func softmax(_ x: UnsafePointer<Float>, rows: Int, width: Int, _ y: UnsafeMutablePointer<Float>) {
        for r in 0..<rows {
            var m = -Double.infinity
            for i in 0..<width { m = Swift.max(m, Double(x[r * width + i])) }
            var sum: Double = 0
            for i in 0..<width { sum += Foundation.exp(Double(x[r * width + i]) - m) }
            for i in 0..<width { y[r * width + i] = Float(Foundation.exp(Double(x[r * width + i]) - m) / sum) }
        }
    }

    public static func concat(_ inputs: [(UnsafePointer<Float>, [Int])], axis: Int, _ y: UnsafeMutablePointer<Float>, _ ys: [Int]) {
        let count = ys.reduce(1, *)
        for i in 0..<count {
            var rem = i
            var index = [Int](repeating: 0, count: ys.count)
            for d in stride(from: ys.count - 1, through: 0, by: -1) { index[d] = rem % ys[d]; rem /= ys[d] }
            var k = index[axis]
            for (p, s) in inputs {
                if k < s[axis] {
                    var j = 0
                    for d in 0..<s.count { j = j * s[d] + (d == axis ? k : index[d]) }
                    y[i] = p[j]
                    break
                }
                k -= s[axis]
            }
        }
    }

    public static func pad(_ x: UnsafePointer<Float>, _ xs: [Int], pads: [[Int]], _ y: UnsafeMutablePointer<Float>, _ ys: [Int]) {
        let count = ys.reduce(1, *)
        for i in 0..<count {
            var rem = i
            var index = [Int](repeating: 0, count: ys.count)
            for d in stride(from: ys.count - 1, through: 0, by: -1) { index[d] = rem % ys[d]; rem /= ys[d] }
            var j = 0, inside = true
            for d in 0..<xs.count {
                let s = index[d] - pads[d][0]
                if s < 0 || s >= xs[d] { inside = false; break }
                j = j * xs[d] + s
            }
            y[i] = inside ? x[j] : 0
        }
    }

    /// Resizing from the definitions, in double precision: each output pixel's source
    /// coordinate by the mapping's formula, then the nearest pixel or the bilinear blend of the
    /// four around it (coordinates clamped into the image).
    public static func resize(_ x: UnsafePointer<Float>, _ xs: [Int], _ a: ResizeAttributes, _ y: UnsafeMutablePointer<Float>, _ ys: [Int]) {
        let (n, h, w, c) = (xs[0], xs[1], xs[2], xs[3])
        let (oh, ow) = (ys[1], ys[2])
        func source(_ o: Int, _ input: Int, _ output: Int, _ scale: Float?) -> Double {
            let ratio = scale.map { 1 / Double($0) } ?? Double(input) / Double(output)
            let o = Double(o)
            switch a.coordinates {
            case .asymmetric: return o * ratio
            case .halfPixel: return (o + 0.5) * ratio - 0.5
            case .pytorchHalfPixel: return output > 1 ? (o + 0.5) * ratio - 0.5 : 0
            case .tfHalfPixelForNN: return (o + 0.5) * ratio
            case .alignCorners: return output > 1 ? o * Double(input - 1) / Double(output - 1) : 0
            }
        }
        func nearest(_ s: Double, _ input: Int) -> Int {
            let f = s.rounded(.down), half = s - f == 0.5
            let r: Double
            switch a.rounding {
            case .floor: r = f
            case .ceil: r = s.rounded(.up)
            case .roundPreferFloor: r = half ? f : s.rounded()
            case .roundPreferCeil: r = half ? f + 1 : s.rounded()
            }
            return Swift.min(Swift.max(Int(r), 0), input - 1)
        }
        for b in 0..<n { for oy in 0..<oh { for ox in 0..<ow { for ch in 0..<c {
            func at(_ yy: Int, _ xx: Int) -> Double { Double(x[((b * h + yy) * w + xx) * c + ch]) }
            let sy = source(oy, h, oh, a.scaleH), sx = source(ox, w, ow, a.scaleW)
            let value: Double
            switch a.method {
            case .nearest:
                value = at(nearest(sy, h), nearest(sx, w))
            case .bilinear:
                let fy = Swift.min(Swift.max(sy, 0), Double(h - 1)), fx = Swift.min(Swift.max(sx, 0), Double(w - 1))
                let y0 = Int(fy), x0 = Int(fx)
                let y1 = Swift.min(y0 + 1, h - 1), x1 = Swift.min(x0 + 1, w - 1)
                let dy = fy - Double(y0), dx = fx - Double(x0)
                value = at(y0, x0) * (1 - dy) * (1 - dx) + at(y0, x1) * (1 - dy) * dx + at(y1, x0) * dy * (1 - dx) + at(y1, x1) * dy * dx
            }
            y[((b * oh + oy) * ow + ox) * c + ch] = Float(value)
        } } } }
    }
}

extension ReferenceKernels {
    /// y[j] = x[i] where j's index along output axis a is i's index along axis perm[a].
    public static func transpose(_ x: UnsafePointer<Float>, _ xs: [Int], _ perm: [Int], _ y: UnsafeMutablePointer<Float>) {
        let rank = xs.count
        let count = xs.reduce(1, *)
        let ys = perm.map { xs[$0] }
        for j in 0..<count {
            var rem = j
            var index = [Int](repeating: 0, count: rank)  // input index
            for a in stride(from: rank - 1, through: 0, by: -1) { index[perm[a]] = rem % ys[a]; rem /= ys[a] }
            var i = 0
            for d in 0..<rank { i = i * xs[d] + index[d] }
            y[j] = x[i]
        }
    }

    /// A transposed convolution from its definition: output pixel (oy, ox) gathers every input
    /// pixel (iy, ix) and tap (ky, kx) with iy * stride - crop + ky == oy (and the same across).
    public static func conv2dTranspose(_ x: UnsafePointer<Float>, _ xs: [Int], _ w: UnsafePointer<Float>, _ ws: [Int], _ a: Conv2DTransposeAttributes,
                                       _ y: UnsafeMutablePointer<Float>, _ ys: [Int]) {
        let (n, h, wd, ci) = (xs[0], xs[1], xs[2], xs[3])
        let (kh, kw, co) = (ws[0], ws[1], ws[2])
        let (oh, ow) = (ys[1], ys[2])
        let top = a.crop(input: h, kernel: kh, stride: a.strideH, vertical: true).before
        let left = a.crop(input: wd, kernel: kw, stride: a.strideW, vertical: false).before
        for b in 0..<n { for oy in 0..<oh { for ox in 0..<ow { for o in 0..<co {
            var sum: Double = 0
            for ky in 0..<kh { for kx in 0..<kw {
                let sy = oy + top - ky, sx = ox + left - kx
                guard sy >= 0, sx >= 0, sy % a.strideH == 0, sx % a.strideW == 0 else { continue }
                let iy = sy / a.strideH, ix = sx / a.strideW
                guard iy < h, ix < wd else { continue }
                for c in 0..<ci { sum += Double(x[((b * h + iy) * wd + ix) * ci + c]) * Double(w[((ky * kw + kx) * co + o) * ci + c]) }
            } }
            y[((b * oh + oy) * ow + ox) * co + o] = Float(sum)
        } } } }
    }

    static func prepareConv2DTranspose(_ c: StepContext) -> Step? {
        guard case let .conv2dTranspose(a) = c.node.op else { return nil }
        return {
            conv2dTranspose(c.input(0), c.inputShape(0), c.input(1), c.inputShape(1), a, c.output, c.outputShape)
            finishEpilogue(c)
        }
    }

    static func prepareTranspose(_ c: StepContext) -> Step? {
        guard case let .transpose(perm) = c.node.op else { return nil }
        return { transpose(c.input(0), c.inputShape(0), perm, c.output) }
    }
}

/// Floats a reference step owns, freed with the step.
final class StepBuffer {
    let pointer: UnsafeMutablePointer<Float>

    init(count: Int) {
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    deinit { pointer.deallocate() }
}

/// The reference kernels' entries in `KernelTable`: each op's reference kernel with its inputs
/// read from the context. Reference plans give every value its own buffer, so no kernel here
/// has to care about running in place.
extension ReferenceKernels {
    static func prepareConv2D(_ c: StepContext) -> Step? {
        guard case let .conv2d(a) = c.node.op else { return nil }
        // A prologue transforms the whole input first, into a buffer of the step's own.
        let shape = c.inputShape(0)
        let transformed = a.prologue == nil ? nil : StepBuffer(count: shape.reduce(1, *))
        return {
            var x = c.input(0)
            if let transformed, let p = a.prologue {
                scaleShift(c.input(0), count: shape.reduce(1, *), channels: shape[3], scale: c.input(.scale)!, shift: c.input(.shift)!,
                           activation: p.activation, transformed.pointer)
                x = UnsafePointer(transformed.pointer)
            }
            if a.algorithm != nil {
                winogradConv2d(x, c.inputShape(0), c.input(1), c.inputShape(1), a, c.output, c.outputShape)
            } else {
                conv2d(x, c.inputShape(0), c.input(1), c.inputShape(1), a, c.output, c.outputShape)
            }
            finishEpilogue(c)
        }
    }

    static func prepareMatMul(_ c: StepContext) -> Step? {
        let w = c.inputShape(1)
        return {
            matMul(c.input(0), rows: c.outputCount / max(w[1], 1), k: w[0], c.input(1), n: w[1], c.output)
            finishEpilogue(c)
        }
    }

    /// y = activation(y + bias + residual) for a fused op.
    static func finishEpilogue(_ c: StepContext) {
        let e = c.epilogue
        epilogue(c.output, count: c.outputCount, channels: c.channels, bias: e.bias, residual: e.residual, activation: e.activation)
    }

    static func prepareBiasAdd(_ c: StepContext) -> Step? {
        { biasAdd(c.input(0), count: c.outputCount, c.input(.bias)!, channels: c.channels, c.output) }
    }

    static func prepareScaleShift(_ c: StepContext) -> Step? {
        guard case let .scaleShift(f) = c.node.op else { return nil }
        return { scaleShift(c.input(0), count: c.outputCount, channels: c.channels, scale: c.input(.scale)!, shift: c.input(.shift)!, activation: f, c.output) }
    }

    static func prepareActivation(_ c: StepContext) -> Step? {
        guard case let .activation(f) = c.node.op else { return nil }
        return { activation(f, c.input(0), count: c.outputCount, c.output) }
    }

    static func prepareBinary(_ c: StepContext) -> Step? {
        guard case let .binary(op) = c.node.op else { return nil }
        return { binary(op, c.input(0), c.inputShape(0), c.input(1), c.inputShape(1), c.output, c.outputShape) }
    }

    static func prepareSoftmax(_ c: StepContext) -> Step? {
        { softmax(c.input(0), rows: c.outputCount / max(c.channels, 1), width: c.channels, c.output) }
    }

    static func prepareMean(_ c: StepContext) -> Step? {
        guard case let .mean(axes, _) = c.node.op else { return nil }
        return { mean(c.input(0), c.inputShape(0), axes: axes, c.output) }
    }

    static func preparePool(_ c: StepContext) -> Step? {
        switch c.node.op {
        case let .maxPool(a): return { pool(max: true, c.input(0), c.inputShape(0), a, c.output, c.outputShape) }
        case let .avgPool(a): return { pool(max: false, c.input(0), c.inputShape(0), a, c.output, c.outputShape) }
        default: return nil
        }
    }

    static func prepareConcat(_ c: StepContext) -> Step? {
        guard case let .concat(axis) = c.node.op else { return nil }
        return { concat(c.node.inputs.indices.map { (c.input($0), c.inputShape($0)) }, axis: axis, c.output, c.outputShape) }
    }

    static func preparePad(_ c: StepContext) -> Step? {
        guard case let .pad(pads) = c.node.op else { return nil }
        return { pad(c.input(0), c.inputShape(0), pads: pads, c.output, c.outputShape) }
    }

    static func prepareResize(_ c: StepContext) -> Step? {
        guard case let .resize(a) = c.node.op else { return nil }
        return { resize(c.input(0), c.inputShape(0), a, c.output, c.outputShape) }
    }
}

/// Reference kernels of the selection ops: each output element from its definition by index.
extension ReferenceKernels {
    static func multiIndex(_ i: Int, _ shape: [Int]) -> [Int] {
        var rem = i
        var index = [Int](repeating: 0, count: shape.count)
        for d in stride(from: shape.count - 1, through: 0, by: -1) { index[d] = rem % shape[d]; rem /= shape[d] }
        return index
    }

    static func flatIndex(_ index: [Int], _ shape: [Int]) -> Int { zip(index, shape).reduce(0) { $0 * $1.1 + $1.0 } }

    public static func slice(_ x: UnsafePointer<Float>, _ xs: [Int], _ a: SliceAttributes, _ y: UnsafeMutablePointer<Float>) {
        let kept = (0..<xs.count).map { a.count(axis: $0, size: xs[$0]) }
        for j in 0..<kept.reduce(1, *) {
            let k = multiIndex(j, kept)
            y[j] = x[flatIndex((0..<xs.count).map { a.begin[$0] + k[$0] * a.strides[$0] }, xs)]
        }
    }

    public static func reduce(_ x: UnsafePointer<Float>, _ xs: [Int], _ a: ReduceAttributes, _ y: UnsafeMutablePointer<Float>) {
        let kept = (0..<xs.count).map { a.axes.contains($0) ? 1 : xs[$0] }
        var values = [[Double]](repeating: [], count: kept.reduce(1, *))
        for i in 0..<xs.reduce(1, *) {
            let index = multiIndex(i, xs).enumerated().map { a.axes.contains($0.offset) ? 0 : $0.element }
            values[flatIndex(index, kept)].append(Double(x[i]))
        }
        for (j, v) in values.enumerated() {
            switch a.kind {
            case .sum: y[j] = Float(v.reduce(0, +))
            case .max: y[j] = v.contains { $0.isNaN } ? .nan : Float(v.max() ?? -.infinity)
            case .min: y[j] = v.contains { $0.isNaN } ? .nan : Float(v.min() ?? .infinity)
            }
        }
    }

    public static func normalization(_ x: UnsafePointer<Float>, _ xs: [Int], _ a: NormalizationAttributes, gamma: UnsafePointer<Float>,
                                     beta: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        let c = xs[xs.count - 1], perGroup = c / a.groups
        let samples = xs[..<a.leadingAxes].reduce(1, *), positions = xs[a.leadingAxes..<(xs.count - 1)].reduce(1, *)
        for n in 0..<samples { for g in 0..<a.groups {
            var members: [Int] = []
            for p in 0..<positions { for k in 0..<perGroup { members.append((n * positions + p) * c + g * perGroup + k) } }
            let mean = members.reduce(0.0) { $0 + Double(x[$1]) } / Double(members.count)
            let variance = members.reduce(0.0) { $0 + (Double(x[$1]) - mean) * (Double(x[$1]) - mean) } / Double(members.count)
            for i in members {
                let ch = i % c
                y[i] = Float((Double(x[i]) - mean) / (variance + Double(a.epsilon)).squareRoot() * Double(gamma[ch]) + Double(beta[ch]))
            }
        } }
    }

    public static func mirrorPad(_ x: UnsafePointer<Float>, _ xs: [Int], _ a: MirrorPadAttributes, _ y: UnsafeMutablePointer<Float>, _ ys: [Int]) {
        for j in 0..<ys.reduce(1, *) {
            let index = multiIndex(j, ys).enumerated().map { d, o -> Int in
                var i = o - a.paddings[d][0]
                let n = xs[d]
                if i < 0 { i = a.symmetric ? -i - 1 : -i }
                if i >= n { i = a.symmetric ? 2 * n - i - 1 : 2 * n - i - 2 }
                return i
            }
            y[j] = x[flatIndex(index, xs)]
        }
    }

    static func prepareSelection(_ c: StepContext) -> Step? {
        switch c.node.op {
        case let .slice(a): return { slice(c.input(0), c.inputShape(0), a, c.output) }
        case let .reduce(a): return { reduce(c.input(0), c.inputShape(0), a, c.output) }
        case let .normalization(a): return { normalization(c.input(0), c.inputShape(0), a, gamma: c.input(.gamma)!, beta: c.input(.beta)!, c.output) }
        case let .mirrorPad(a): return { mirrorPad(c.input(0), c.inputShape(0), a, c.output, c.outputShape) }
        default: return nil
        }
    }
}
