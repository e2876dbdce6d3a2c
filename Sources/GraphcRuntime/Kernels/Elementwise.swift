import Foundation

/// Activations, per-channel affine maps and broadcasting binary ops over flat buffers.
enum ElementwiseKernel {
    enum Activation { case relu, relu6, sigmoid, tanh }

    static func activation(_ kind: Activation, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, count: Int, threads: Int) {
        parallelFor(count, threads: threads, minimumPerThread: 1 << 16) { r in
            switch kind {
            case .relu: for i in r { output[i] = max(input[i], 0) }
            case .relu6: for i in r { output[i] = min(max(input[i], 0), 6) }
            case .sigmoid: for i in r { output[i] = 1 / (1 + expf(-input[i])) }
            case .tanh: for i in r { output[i] = tanhf(input[i]) }
            }
        }
    }

    /// y[r, c] = x[r, c] * scale[c] + shift[c] (bias add with scale nil; inference batch norm).
    static func channelAffine(input: UnsafePointer<Float>, scale: UnsafePointer<Float>?, shift: UnsafePointer<Float>,
                              output: UnsafeMutablePointer<Float>, rows: Int, channels: Int, threads: Int) {
        parallelFor(rows, threads: threads, minimumPerThread: max(1, (1 << 16) / max(channels, 1))) { r in
            for row in r {
                let x = input + row * channels, y = output + row * channels
                if let scale {
                    for c in 0..<channels { y[c] = x[c] * scale[c] + shift[c] }
                } else {
                    for c in 0..<channels { y[c] = x[c] + shift[c] }
                }
            }
        }
    }

    /// `a op b` with NumPy broadcasting, given each operand's strides over the output's shape
    /// (0 where it broadcasts).
    static func binary(isAdd: Bool, a: UnsafePointer<Float>, aStrides: [Int], b: UnsafePointer<Float>, bStrides: [Int],
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
                if isAdd { for i in r { output[i] = a[i] + b[i] } } else { for i in r { output[i] = a[i] * b[i] } }
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
                if isAdd { for j in 0..<inner { y[j] = a[ao + j * aInner] + b[bo + j * bInner] } } else { for j in 0..<inner { y[j] = a[ao + j * aInner] * b[bo + j * bInner] } }
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
