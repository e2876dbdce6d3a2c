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

    /// Writes the output in order, reading the input through the permuted strides; the last
    /// output axis is the inner loop (contiguous writes), rows split across threads.
    static func transpose(input: UnsafePointer<Float>, shape: [Int], permutation: [Int], output: UnsafeMutablePointer<Float>, threads: Int) {
        let rank = shape.count
        guard rank > 0 else { output[0] = input[0]; return }
        var inputStrides = [Int](repeating: 1, count: rank)
        for d in stride(from: rank - 2, through: 0, by: -1) { inputStrides[d] = inputStrides[d + 1] * shape[d + 1] }
        let outShape = permutation.map { shape[$0] }
        let strides = permutation.map { inputStrides[$0] }
        let inner = outShape[rank - 1], innerStride = strides[rank - 1]
        let rows = outShape.dropLast().reduce(1, *)
        guard rows > 0, inner > 0 else { return }
        parallelFor(rows, threads: threads, minimumPerThread: max(1, (1 << 15) / inner)) { range in
            for row in range {
                var rem = row, offset = 0
                var d = rank - 2
                while d >= 0 {
                    offset += (rem % outShape[d]) * strides[d]
                    rem /= outShape[d]
                    d -= 1
                }
                let y = output + row * inner, x = input + offset
                for j in 0..<inner { y[j] = x[j * innerStride] }
            }
        }
    }

    static func preparePad(_ c: StepContext) -> Step? {
        guard case let .pad(pads) = c.node.op else { return nil }
        let x = c.input(0), shape = c.inputShape(0), y = c.output
        return { pad(input: x, shape: shape, pads: pads, output: y) }
    }

    static func prepareResize(_ c: StepContext) -> Step? {
        let s = c.inputShape(0), x = c.input(0), y = c.output, threads = c.threads
        let (oh, ow) = (c.outputShape[1], c.outputShape[2])
        return {
            resizeBilinear(input: x, batch: s[0], inHeight: s[1], inWidth: s[2], channels: s[3], outHeight: oh, outWidth: ow,
                           output: y, threads: threads)
        }
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

    /// TF1 `resize_bilinear` (align_corners=False, half_pixel_centers=False): source
    /// coordinate `out * in / out_size`, interpolated from the two neighbours, clamped at the edge.
    static func resizeBilinear(input: UnsafePointer<Float>, batch: Int, inHeight: Int, inWidth: Int, channels: Int,
                               outHeight: Int, outWidth: Int, output: UnsafeMutablePointer<Float>, threads: Int) {
        let scaleY = Float(inHeight) / Float(outHeight), scaleX = Float(inWidth) / Float(outWidth)
        parallelFor(batch * outHeight, threads: threads, minimumPerThread: 4) { rows in
            for r in rows {
                let b = r / outHeight, oy = r % outHeight
                let sy = Float(oy) * scaleY
                let y0 = min(Int(sy), inHeight - 1), y1 = min(y0 + 1, inHeight - 1)
                let ly = sy - Float(y0)
                for ox in 0..<outWidth {
                    let sx = Float(ox) * scaleX
                    let x0 = min(Int(sx), inWidth - 1), x1 = min(x0 + 1, inWidth - 1)
                    let lx = sx - Float(x0)
                    let tl = input + ((b * inHeight + y0) * inWidth + x0) * channels
                    let tr = input + ((b * inHeight + y0) * inWidth + x1) * channels
                    let bl = input + ((b * inHeight + y1) * inWidth + x0) * channels
                    let br = input + ((b * inHeight + y1) * inWidth + x1) * channels
                    let y = output + ((b * outHeight + oy) * outWidth + ox) * channels
                    for c in 0..<channels {
                        let top = tl[c] + (tr[c] - tl[c]) * lx
                        let bottom = bl[c] + (br[c] - bl[c]) * lx
                        y[c] = top + (bottom - top) * ly
                    }
                }
            }
        }
    }
}
