import Foundation
import GraphcIR

/// Strided slices, sum/max/min reductions, layer/group/instance normalization and mirror
/// padding: ops of today's networks that are not their hot path, written as plain loops over
/// precomputed strides (no allocation while they run).
enum SelectionKernel {
    static func prepareSlice(_ c: StepContext) -> Step? {
        guard case let .slice(a) = c.node.op else { return nil }
        let x = c.input(0), y = c.output, shape = c.inputShape(0)
        let rank = shape.count
        var strides = [Int](repeating: 1, count: rank)
        for d in stride(from: rank - 2, through: 0, by: -1) { strides[d] = strides[d + 1] * shape[d + 1] }
        let counts = (0..<rank).map { a.count(axis: $0, size: shape[$0]) }
        let base = (0..<rank).reduce(0) { $0 + a.begin[$1] * strides[$1] }
        let steps = (0..<rank).map { a.strides[$0] * strides[$0] }
        let total = counts.reduce(1, *)
        return {
            guard total > 0 else { return }
            let inner = counts[rank - 1], innerStep = steps[rank - 1]
            for row in 0..<total / inner {
                var rem = row, offset = base
                var d = rank - 2
                while d >= 0 { offset += (rem % counts[d]) * steps[d]; rem /= counts[d]; d -= 1 }
                let out = y + row * inner
                for j in 0..<inner { out[j] = x[offset + j * innerStep] }
            }
        }
    }

    /// Each output element reduces the input elements that map onto it: the input is walked
    /// in order, its index turned into the output's by zeroing the reduced axes.
    static func prepareReduce(_ c: StepContext) -> Step? {
        guard case let .reduce(a) = c.node.op else { return nil }
        let x = c.input(0), y = c.output, shape = c.inputShape(0), count = c.outputCount
        let rank = shape.count
        // The output's stride for each input axis (0 for reduced axes).
        var outStrides = [Int](repeating: 0, count: rank)
        var s = 1
        for d in stride(from: rank - 1, through: 0, by: -1) where !a.axes.contains(d) { outStrides[d] = s; s *= shape[d] }
        let total = shape.reduce(1, *)
        let kind = a.kind
        return {
            let start: Float = kind == .sum ? 0 : (kind == .max ? -.infinity : .infinity)
            y.update(repeating: start, count: count)
            var index = [Int](repeating: 0, count: rank), o = 0
            for i in 0..<total {
                let v = x[i]
                switch kind {
                case .sum: y[o] += v
                case .max: y[o] = v.isNaN || y[o].isNaN ? .nan : max(y[o], v)
                case .min: y[o] = v.isNaN || y[o].isNaN ? .nan : min(y[o], v)
                }
                // Advance the input index (last axis fastest) and the output offset with it.
                var d = rank - 1
                while d >= 0 {
                    index[d] += 1; o += outStrides[d]
                    if index[d] < shape[d] { break }
                    o -= outStrides[d] * shape[d]; index[d] = 0; d -= 1
                }
            }
        }
    }

    static func prepareNormalization(_ c: StepContext) -> Step? {
        guard case let .normalization(a) = c.node.op else { return nil }
        let x = c.input(0), y = c.output, shape = c.inputShape(0)
        let gamma = c.input(.gamma)!, beta = c.input(.beta)!
        let channels = shape[shape.count - 1]
        let samples = shape[..<a.leadingAxes].reduce(1, *)
        let positions = shape[a.leadingAxes..<(shape.count - 1)].reduce(1, *)
        let perGroup = channels / a.groups, epsilon = Double(a.epsilon), threads = c.threads
        return {
            parallelFor(samples, threads: threads, minimumPerThread: max(1, (1 << 14) / max(positions * channels, 1))) { range in
                for n in range {
                    let xs = x + n * positions * channels, ys = y + n * positions * channels
                    for g in 0..<a.groups {
                        // Mean and variance in double over the group's values at every position.
                        var sum = 0.0, squares = 0.0
                        for p in 0..<positions { for k in 0..<perGroup { let v = Double(xs[p * channels + g * perGroup + k]); sum += v; squares += v * v } }
                        let m = Double(positions * perGroup)
                        let mean = sum / m, variance = max(squares / m - mean * mean, 0)
                        let inv = Float(1 / (variance + epsilon).squareRoot()), mu = Float(mean)
                        for p in 0..<positions { for k in 0..<perGroup {
                            let ch = g * perGroup + k, i = p * channels + ch
                            ys[i] = (xs[i] - mu) * inv * gamma[ch] + beta[ch]
                        } }
                    }
                }
            }
        }
    }

    static func prepareMirrorPad(_ c: StepContext) -> Step? {
        guard case let .mirrorPad(a) = c.node.op else { return nil }
        let x = c.input(0), y = c.output, shape = c.inputShape(0), out = c.outputShape
        let rank = shape.count
        var strides = [Int](repeating: 1, count: rank)
        for d in stride(from: rank - 2, through: 0, by: -1) { strides[d] = strides[d + 1] * shape[d + 1] }
        // For each axis, the input index each output index reads.
        let sources: [[Int]] = (0..<rank).map { d in
            (0..<out[d]).map { o in mirror(o - a.paddings[d][0], size: shape[d], symmetric: a.symmetric) * strides[d] }
        }
        let total = out.reduce(1, *)
        return {
            var index = [Int](repeating: 0, count: rank)
            for i in 0..<total {
                var offset = 0
                for d in 0..<rank { offset += sources[d][index[d]] }
                y[i] = x[offset]
                var d = rank - 1
                while d >= 0 { index[d] += 1; if index[d] < out[d] { break }; index[d] = 0; d -= 1 }
            }
        }
    }

    /// Index `i` (possibly outside [0, size)) reflected back inside.
    static func mirror(_ i: Int, size: Int, symmetric: Bool) -> Int {
        if i < 0 { return symmetric ? -i - 1 : -i }
        if i >= size { return symmetric ? 2 * size - i - 1 : 2 * size - i - 2 }
        return i
    }
}
