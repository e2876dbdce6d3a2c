import Foundation
import GraphcIR

enum ReductionKernel {
    static func prepareMean(_ c: StepContext) -> Step? {
        guard case let .mean(axes, _) = c.node.op else { return nil }
        let shape = c.inputShape(0), reduced = shape.indices.map { axes.contains($0) }
        let x = c.input(0), y = c.output, threads = c.threads
        return { mean(input: x, shape: shape, reduced: reduced, output: y, threads: threads) }
    }

    static func prepareSoftmax(_ c: StepContext) -> Step? {
        let width = c.channels, rows = c.outputCount / max(c.channels, 1)
        let x = c.input(0), y = c.output, threads = c.threads
        return { softmax(input: x, output: y, rows: rows, width: width, threads: threads) }
    }

    /// Mean over the axes of a row-major tensor; `reduced[i]` says whether axis i is reduced.
    static func mean(input: UnsafePointer<Float>, shape: [Int], reduced: [Bool], output: UnsafeMutablePointer<Float>, threads: Int) {
        let outCount = zip(shape, reduced).reduce(1) { $0 * ($1.1 ? 1 : $1.0) }
        let n = zip(shape, reduced).reduce(1) { $0 * ($1.1 ? $1.0 : 1) }
        // Fast path: NHWC global pooling, reduce the middle axes of [N, H, W, C].
        if shape.count == 4, reduced == [false, true, true, false] {
            let hw = shape[1] * shape[2], c = shape[3]
            parallelFor(shape[0], threads: threads) { images in
                for b in images {
                    let y = output + b * c
                    y.update(repeating: 0, count: c)
                    for p in 0..<hw { let x = input + (b * hw + p) * c; for ch in 0..<c { y[ch] += x[ch] } }
                    let scale = hw > 0 ? 1 / Float(hw) : .nan
                    for ch in 0..<c { y[ch] *= scale }
                }
            }
            return
        }
        output.update(repeating: 0, count: outCount)
        let total = shape.reduce(1, *)
        for i in 0..<total {
            // The output offset of element i: its digits over the kept axes.
            var rem = i, offset = 0, stride = 1
            var d = shape.count - 1
            while d >= 0 {
                let digit = rem % shape[d]
                rem /= shape[d]
                if !reduced[d] { offset += digit * stride; stride *= shape[d] }
                d -= 1
            }
            output[offset] += input[i]
        }
        let scale = n > 0 ? 1 / Float(n) : .nan
        for i in 0..<outCount { output[i] *= scale }
    }

    /// Softmax over the last axis, subtracting the row maximum for stability.
    static func softmax(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, rows: Int, width: Int, threads: Int) {
        parallelFor(rows, threads: threads, minimumPerThread: 16) { r in
            for row in r {
                let x = input + row * width, y = output + row * width
                var m = -Float.infinity
                for i in 0..<width { m = max(m, x[i]) }
                var sum: Float = 0
                for i in 0..<width { let e = expf(x[i] - m); y[i] = e; sum += e }
                let inv = 1 / sum
                for i in 0..<width { y[i] *= inv }
            }
        }
    }
}
