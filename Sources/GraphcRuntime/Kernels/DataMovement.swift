/// Ops that move values without arithmetic on them: concat, pad, bilinear resize.
enum DataMovementKernel {
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

    /// Zero padding of a row-major tensor.
    static func pad(input: UnsafePointer<Float>, shape: [Int], pads: [[Int]], output: UnsafeMutablePointer<Float>) {
        let outShape = zip(shape, pads).map { $0 + $1[0] + $1[1] }
        let outCount = outShape.reduce(1, *)
        output.update(repeating: 0, count: outCount)
        guard shape.allSatisfy({ $0 > 0 }), !shape.isEmpty else { return }
        let rank = shape.count
        var outStrides = [Int](repeating: 1, count: rank)
        for i in stride(from: rank - 2, through: 0, by: -1) { outStrides[i] = outStrides[i + 1] * outShape[i + 1] }
        let inner = shape[rank - 1]
        let rows = shape.reduce(1, *) / inner
        var index = [Int](repeating: 0, count: max(rank - 1, 0))
        for r in 0..<rows {
            var o = pads[rank - 1][0]
            for d in 0..<(rank - 1) { o += (index[d] + pads[d][0]) * outStrides[d] }
            (output + o).update(from: input + r * inner, count: inner)
            var d = rank - 2
            while d >= 0 { index[d] += 1; if index[d] < shape[d] { break }; index[d] = 0; d -= 1 }
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
