import GraphcIR

/// Ops that move values without arithmetic on them: concat, pad, bilinear resize.
enum DataMovementKernel {
    static func prepareConcat(_ c: StepContext) -> Step? {
        guard case let .concat(axis) = c.node.op else { return nil }
        let shape = c.outputShape
        let inner = shape[(axis + 1)...].reduce(1, *), outer = shape[..<axis].reduce(1, *)
        let inputs = c.node.inputs.indices.map { (pointer: c.input($0), axisSize: c.inputShape($0)[axis]) }
        let y = c.output
        return { concat(inputs: inputs, outer: outer, inner: inner, output: y) }
    }

    static func prepareTranspose(_ c: StepContext) -> Step? {
        guard case let .transpose(perm) = c.node.op else { return nil }
        let x = c.input(0), y = c.output, shape = c.inputShape(0), threads = c.threads
        return { transpose(input: x, shape: shape, permutation: perm, output: y, threads: threads) }
    }

    /// Writes every output element from the input through the permuted strides. The inner loop
    /// runs along the output's last axis (contiguous writes), or, when that axis is short (an
    /// NCHW-to-NHWC image's 3 channels), along the axis that is the input's last (contiguous
    /// reads), so the per-row index arithmetic is paid once per long run.
    static func transpose(input: UnsafePointer<Float>, shape: [Int], permutation: [Int], output: UnsafeMutablePointer<Float>, threads: Int) {
        let rank = shape.count
        guard rank > 0 else { output[0] = input[0]; return }
        var inputStrides = [Int](repeating: 1, count: rank)
        for d in stride(from: rank - 2, through: 0, by: -1) { inputStrides[d] = inputStrides[d + 1] * shape[d + 1] }
        let outShape = permutation.map { shape[$0] }
        var outStrides = [Int](repeating: 1, count: rank)
        for d in stride(from: rank - 2, through: 0, by: -1) { outStrides[d] = outStrides[d + 1] * outShape[d + 1] }
        let strides = permutation.map { inputStrides[$0] }
        // The output axis that is the input's last, when it makes a longer inner run.
        let readAxis = permutation.firstIndex(of: rank - 1)!
        let innerAxis = outShape[rank - 1] < 16 && outShape[readAxis] > outShape[rank - 1] ? readAxis : rank - 1
        let inner = outShape[innerAxis], innerIn = strides[innerAxis], innerOut = outStrides[innerAxis]
        let outer = outShape.enumerated().filter { $0.offset != innerAxis }
        let rows = outer.reduce(1) { $0 * $1.element }
        guard rows > 0, inner > 0 else { return }
        parallelFor(rows, threads: threads, minimumPerThread: max(1, (1 << 15) / inner)) { range in
            for row in range {
                var rem = row, from = 0, to = 0
                for (axis, size) in outer.reversed() {
                    let i = rem % size
                    rem /= size
                    from += i * strides[axis]
                    to += i * outStrides[axis]
                }
                let x = input + from, y = output + to
                for j in 0..<inner { y[j * innerOut] = x[j * innerIn] }
            }
        }
    }

    static func preparePad(_ c: StepContext) -> Step? {
        guard case let .pad(pads) = c.node.op else { return nil }
        let x = c.input(0), shape = c.inputShape(0), y = c.output
        return { pad(input: x, shape: shape, pads: pads, output: y) }
    }

    static func prepareResize(_ c: StepContext) -> Step? {
        guard case let .resize(a) = c.node.op else { return nil }
        let s = c.inputShape(0), x = c.input(0), y = c.output, threads = c.threads
        let rows = ResizeTaps(a, input: s[1], output: c.outputShape[1], scale: a.scaleH)
        let columns = ResizeTaps(a, input: s[2], output: c.outputShape[2], scale: a.scaleW)
        return { resize(input: x, batch: s[0], inHeight: s[1], inWidth: s[2], channels: s[3], rows: rows, columns: columns, output: y, threads: threads) }
    }

    /// Concatenation along `axis`: each input contributes `inner * size` contiguous values per
    /// outer index.
    static func concat(inputs: [(pointer: UnsafePointer<Float>, axisSize: Int)], outer: Int, inner: Int,
                       output: UnsafeMutablePointer<Float>) {
        let total = inputs.reduce(0) { $0 + $1.axisSize } * inner
        for o in 0..<outer {
            var dst = output + o * total
            for input in inputs {
                let n = input.axisSize * inner
                dst.update(from: input.pointer + o * n, count: n)
                dst += n
            }
        }
    }

    /// Zero padding of a row-major tensor: clears the output, then copies each innermost row
    /// of the input to its padded place. Indices are worked out by division, so nothing is
    /// allocated per call.
    static func pad(input: UnsafePointer<Float>, shape: [Int], pads: [[Int]], output: UnsafeMutablePointer<Float>) {
        let rank = shape.count
        var outCount = 1
        for d in 0..<rank { outCount *= shape[d] + pads[d][0] + pads[d][1] }
        output.update(repeating: 0, count: outCount)
        guard rank > 0 else { output[0] = input[0]; return }
        var inCount = 1
        for d in shape { inCount *= d }
        let inner = shape[rank - 1]
        guard inCount > 0 else { return }
        for r in 0..<(inCount / inner) {
            // Offset of row r in the output: digits of r over shape[0..<rank-1], shifted by pads.
            var rem = r, offset = 0, stride = shape[rank - 1] + pads[rank - 1][0] + pads[rank - 1][1]
            var d = rank - 2
            while d >= 0 {
                let i = rem % shape[d]
                rem /= shape[d]
                offset += (i + pads[d][0]) * stride
                stride *= shape[d] + pads[d][0] + pads[d][1]
                d -= 1
            }
            (output + offset + pads[rank - 1][0]).update(from: input + r * inner, count: inner)
        }
    }

    /// Each output pixel blends the four input pixels its row and column taps name (nearest:
    /// weight 1 on the first), all channels at once.
    static func resize(input: UnsafePointer<Float>, batch: Int, inHeight: Int, inWidth: Int, channels: Int, rows: ResizeTaps, columns: ResizeTaps,
                       output: UnsafeMutablePointer<Float>, threads: Int) {
        let outHeight = rows.first.count, outWidth = columns.first.count
        parallelFor(batch * outHeight, threads: threads, minimumPerThread: 4) { range in
            for r in range {
                let b = r / outHeight, oy = r - b * outHeight
                let image = input + b * inHeight * inWidth * channels
                let top = image + rows.first[oy] * inWidth * channels, bottom = image + rows.second[oy] * inWidth * channels
                let ly = rows.weight[oy]
                for ox in 0..<outWidth {
                    let x0 = columns.first[ox] * channels, x1 = columns.second[ox] * channels
                    let lx = columns.weight[ox]
                    let y = output + (r * outWidth + ox) * channels
                    for c in 0..<channels {
                        let t = top[x0 + c] + (top[x1 + c] - top[x0 + c]) * lx
                        let u = bottom[x0 + c] + (bottom[x1 + c] - bottom[x0 + c]) * lx
                        y[c] = t + (u - t) * ly
                    }
                }
            }
        }
    }
}

/// For each output pixel along one axis: the two input pixels it blends and the weight of
/// the second (0 for nearest), worked out once when the step is prepared.
struct ResizeTaps {
    var first: [Int], second: [Int], weight: [Float]

    init(_ a: ResizeAttributes, input: Int, output: Int, scale: Float?) {
        first = []; second = []; weight = []
        for o in 0..<output {
            let s = a.source(o, input: input, output: output, scale: scale)
            switch a.method {
            case .nearest:
                let i = a.nearest(s, input: input)
                first.append(i); second.append(i); weight.append(0)
            case .bilinear:
                // Clamped at the edges, as TF and ONNX Runtime do.
                let c = Swift.min(Swift.max(s, 0), Float(input - 1))
                let i0 = Swift.min(Int(c), input - 1)
                first.append(i0); second.append(Swift.min(i0 + 1, input - 1)); weight.append(c - Float(i0))
            }
        }
    }
}
