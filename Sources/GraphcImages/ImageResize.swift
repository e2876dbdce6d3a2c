import Foundation

/// The two resizings the preprocessing presets need, each exactly as its framework computes it.
public enum ImageResize {
    // MARK: PIL

    /// PIL's `Image.resize(size, Image.BILINEAR)` on 8-bit RGB (what torchvision's `Resize` does
    /// to a PIL image): a triangle filter widened by the scale when shrinking (antialiasing),
    /// weights normalized and turned into 22-bit fixed point, the horizontal pass first into
    /// an 8-bit image, then the vertical one, each value rounded and clipped as PIL does.
    public static func pilBilinear(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        var current = image
        if width != image.width {
            let taps = pilTaps(input: image.width, output: width)
            var out = [UInt8](repeating: 0, count: width * image.height * 3)
            for y in 0..<image.height {
                for x in 0..<width {
                    for c in 0..<3 {
                        var sum = Int64(1) << (pilPrecision - 1)
                        for (i, k) in taps.weights[x].enumerated() { sum += Int64(image.pixels[(y * image.width + taps.first[x] + i) * 3 + c]) * Int64(k) }
                        out[(y * width + x) * 3 + c] = clip8(sum)
                    }
                }
            }
            current = RGBImage(width: width, height: image.height, pixels: out)
        }
        if height != current.height {
            let taps = pilTaps(input: current.height, output: height)
            var out = [UInt8](repeating: 0, count: width * height * 3)
            for y in 0..<height {
                for x in 0..<width {
                    for c in 0..<3 {
                        var sum = Int64(1) << (pilPrecision - 1)
                        for (i, k) in taps.weights[y].enumerated() { sum += Int64(current.pixels[((taps.first[y] + i) * width + x) * 3 + c]) * Int64(k) }
                        out[(y * width + x) * 3 + c] = clip8(sum)
                    }
                }
            }
            current = RGBImage(width: width, height: height, pixels: out)
        }
        return current
    }

    /// 32 bits less 8 for the value and 2 for the sum's headroom.
    static let pilPrecision: Int64 = 22

    static func clip8(_ sum: Int64) -> UInt8 { UInt8(clamping: sum >> pilPrecision) }

    /// For each output pixel along an axis: the first input pixel it reads and the fixed-point
    /// weights of that pixel and the ones after it (PIL's precompute_coeffs).
    static func pilTaps(input: Int, output: Int) -> (first: [Int], weights: [[Int32]]) {
        let scale = Double(input) / Double(output)
        let filterScale = max(scale, 1)
        let support = 1.0 * filterScale
        var first: [Int] = [], weights: [[Int32]] = []
        for o in 0..<output {
            let center = (Double(o) + 0.5) * scale
            let lo = max(Int(center - support + 0.5), 0)
            let hi = min(Int(center + support + 0.5), input)
            var k: [Double] = []
            for i in lo..<max(hi, lo) {
                let t = abs((Double(i) - center + 0.5) / filterScale)
                k.append(t < 1 ? 1 - t : 0)
            }
            let total = k.reduce(0, +)
            if total != 0 { k = k.map { $0 / total } }
            first.append(lo)
            weights.append(k.map { Int32($0 * Double(1 << pilPrecision) + ($0 < 0 ? -0.5 : 0.5)) })
        }
        return (first, weights)
    }

    // MARK: TensorFlow

    /// TF1's `tf.image.resize_bilinear(..., align_corners=False)` on a float image `[h, w, 3]`:
    /// output pixel o samples o * in / out, blended from its two neighbours (clamped at the edge),
    /// in float32 as TF computes it.
    public static func tfBilinear(_ x: [Float], width: Int, height: Int, toWidth: Int, toHeight: Int) -> [Float] {
        let sy = Float(height) / Float(toHeight), sx = Float(width) / Float(toWidth)
        var out = [Float](repeating: 0, count: toWidth * toHeight * 3)
        for oy in 0..<toHeight {
            let fy = Float(oy) * sy
            let y0 = min(Int(fy), height - 1), y1 = min(y0 + 1, height - 1)
            let ly = fy - Float(y0)
            for ox in 0..<toWidth {
                let fx = Float(ox) * sx
                let x0 = min(Int(fx), width - 1), x1 = min(x0 + 1, width - 1)
                let lx = fx - Float(x0)
                for c in 0..<3 {
                    let tl = x[(y0 * width + x0) * 3 + c], tr = x[(y0 * width + x1) * 3 + c]
                    let bl = x[(y1 * width + x0) * 3 + c], br = x[(y1 * width + x1) * 3 + c]
                    let top = tl + (tr - tl) * lx, bottom = bl + (br - bl) * lx
                    out[(oy * toWidth + ox) * 3 + c] = top + (bottom - top) * ly
                }
            }
        }
        return out
    }
}
