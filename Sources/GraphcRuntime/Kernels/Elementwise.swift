import Foundation
import GraphcIR

/// Activations, per-channel affine maps and broadcasting binary ops over flat buffers.
enum ElementwiseKernel {
    static func prepareActivation(_ c: StepContext) -> Step? {
        guard case let .activation(f) = c.node.op else { return nil }
        let x = c.input(0), y = c.output, count = c.outputCount, threads = c.threads
        return { activation(f, input: x, output: y, count: count, threads: threads) }
    }

    /// BiasAdd (no scale) and ScaleShift (with its activation).
    static func prepareChannelAffine(_ c: StepContext) -> Step? {
        let x = c.input(0), scale = c.input(.scale), shift = c.input(.shift) ?? c.input(.bias)!, y = c.output
        let channels = c.channels, rows = c.outputCount / max(channels, 1), threads = c.threads
        let f = c.node.op.epilogue?.activation
        return { channelAffine(input: x, scale: scale, shift: shift, output: y, rows: rows, channels: channels, activation: f, threads: threads) }
    }

    static func prepareBinary(_ c: StepContext) -> Step? {
        guard case let .binary(op) = c.node.op else { return nil }
        let shape = c.outputShape
        let a = c.input(0), aStrides = broadcastStrides(c.inputShape(0), to: shape)
        let b = c.input(1), bStrides = broadcastStrides(c.inputShape(1), to: shape)
        let y = c.output, threads = c.threads
        return { binary(op, a: a, aStrides: aStrides, b: b, bStrides: bStrides, output: y, shape: shape, threads: threads) }
    }

    static func activation(_ f: Activation, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, count: Int, threads: Int) {
        parallelFor(count, threads: threads, minimumPerThread: 1 << 16) { r in
            apply(f, input + r.lowerBound, output + r.lowerBound, count: r.count)
        }
    }

    /// y[i] = f(x[i]) for `count` elements (x may be y). The common activations have their own
    /// loops, which vectorize; the others use the activation's own scalar formula.
    @inline(__always)
    static func apply(_ f: Activation, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        switch f {
        case .relu: for i in 0..<count { y[i] = max(x[i], 0) }
        case .relu6: for i in 0..<count { y[i] = min(max(x[i], 0), 6) }
        case let .leakyRelu(alpha): for i in 0..<count { y[i] = x[i] > 0 ? x[i] : alpha * x[i] }
        case .sigmoid:
            let i = vectorized(x, y, count: count) { v in 1 / (1 + FastMath.exp(-v)) }
            for j in i..<count { y[j] = 1 / (1 + expf(-x[j])) }
        case .tanh: for i in 0..<count { y[i] = tanhf(x[i]) }
        case .hardSwish: for i in 0..<count { y[i] = x[i] * min(max(x[i] + 3, 0), 6) * (1 / 6) }
        case .swish:
            let i = vectorized(x, y, count: count) { v in v / (1 + FastMath.exp(-v)) }
            for j in i..<count { y[j] = x[j] / (1 + expf(-x[j])) }
        default: for i in 0..<count { y[i] = f(x[i]) }
        }
    }

    /// y = f(x) 8 lanes at a time over the whole vectors; returns where the scalar tail starts.
    @inline(__always)
    static func vectorized(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int, _ f: (SIMD8<Float>) -> SIMD8<Float>) -> Int {
        var i = 0
        while i + 8 <= count {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(y + i).storeBytes(of: f(v), as: SIMD8<Float>.self)
            i += 8
        }
        return i
    }

    /// y[r, c] = f(x[r, c] * scale[c] + shift[c]) (bias add with scale nil and no f; a lowered batch norm).
    static func channelAffine(input: UnsafePointer<Float>, scale: UnsafePointer<Float>?, shift: UnsafePointer<Float>,
                              output: UnsafeMutablePointer<Float>, rows: Int, channels: Int, activation f: Activation?, threads: Int) {
        parallelFor(rows, threads: threads, minimumPerThread: max(1, (1 << 16) / max(channels, 1))) { r in
            affineRows(input: input + r.lowerBound * channels, scale: scale, shift: shift, output: output + r.lowerBound * channels,
                       rows: r.count, channels: channels, activation: f)
        }
    }

    /// `channelAffine` over `rows` rows on the calling thread (also a convolution's prologue,
    /// a block of its input rows at a time).
    @inline(__always)
    static func affineRows(input: UnsafePointer<Float>, scale: UnsafePointer<Float>?, shift: UnsafePointer<Float>,
                           output: UnsafeMutablePointer<Float>, rows: Int, channels: Int, activation f: Activation?) {
        for row in 0..<rows {
            let x = input + row * channels, y = output + row * channels
            if let scale {
                for c in 0..<channels { y[c] = x[c] * scale[c] + shift[c] }
            } else {
                for c in 0..<channels { y[c] = x[c] + shift[c] }
            }
        }
        if let f { apply(f, output, output, count: rows * channels) }
    }

    /// `a op b` with NumPy broadcasting, given each operand's strides over the output's shape
    /// (0 where it broadcasts).
    static func binary(_ op: BinaryArithmetic, a: UnsafePointer<Float>, aStrides: [Int], b: UnsafePointer<Float>, bStrides: [Int],
                       output: UnsafeMutablePointer<Float>, shape: [Int], threads: Int) {
        let count = shape.reduce(1, *)
        guard count > 0 else { return }
        let rank = shape.count
        let contiguous = { (strides: [Int]) -> Bool in
            var expected = 1
            for i in stride(from: rank - 1, through: 0, by: -1) {
                if shape[i] != 1 && strides[i] != expected { return false }
                expected *= shape[i]
            }
            return true
        }
        if contiguous(aStrides) && contiguous(bStrides) {
            parallelFor(count, threads: threads, minimumPerThread: 1 << 16) { r in
                switch op {
                case .add: for i in r { output[i] = a[i] + b[i] }
                case .mul: for i in r { output[i] = a[i] * b[i] }
                case .sub: for i in r { output[i] = a[i] - b[i] }
                case .div: for i in r { output[i] = a[i] / b[i] }
                case .max, .min: for i in r { output[i] = op(a[i], b[i]) }
                }
            }
            return
        }
        // General case: walk the output with an index counter. Inner dimension vectorizes.
        let inner = shape.last ?? 1
        let outer = count / inner
        let aInner = aStrides.last ?? 0, bInner = bStrides.last ?? 0
        parallelFor(outer, threads: threads, minimumPerThread: max(1, (1 << 14) / inner)) { rows in
            for row in rows {
                var rem = row, ao = 0, bo = 0
                var d = rank - 2
                while d >= 0 {
                    let i = rem % shape[d]
                    rem /= shape[d]
                    ao += i * aStrides[d]
                    bo += i * bStrides[d]
                    d -= 1
                }
                let y = output + row * inner
                switch op {
                case .add: for j in 0..<inner { y[j] = a[ao + j * aInner] + b[bo + j * bInner] }
                case .mul: for j in 0..<inner { y[j] = a[ao + j * aInner] * b[bo + j * bInner] }
                case .sub: for j in 0..<inner { y[j] = a[ao + j * aInner] - b[bo + j * bInner] }
                case .div: for j in 0..<inner { y[j] = a[ao + j * aInner] / b[bo + j * bInner] }
                case .max, .min: for j in 0..<inner { y[j] = op(a[ao + j * aInner], b[bo + j * bInner]) }
                }
            }
        }
    }

    /// Strides of a tensor of `shape` read over a broadcast `outputShape` (0 where broadcast).
    static func broadcastStrides(_ shape: [Int], to outputShape: [Int]) -> [Int] {
        let padded = [Int](repeating: 1, count: outputShape.count - shape.count) + shape
        var strides = [Int](repeating: 0, count: outputShape.count)
        var s = 1
        for i in stride(from: outputShape.count - 1, through: 0, by: -1) {
            strides[i] = padded[i] == 1 && outputShape[i] != 1 ? 0 : s
            s *= padded[i]
        }
        return strides
    }
}
