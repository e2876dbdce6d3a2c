/// e^x on 8 lanes, for sigmoid and swish: libm's expf is a call per element, and EfficientNet
/// spends more time in its sigmoids than in its convolutions that way. Cephes' single-precision
/// method: x = n ln 2 + r with |r| <= ln 2 / 2 (ln 2 split in two for accuracy), e^r by a
/// degree-6 polynomial, 2^n put straight into the exponent bits. Within 2 ulp of expf over
/// [-87, 88]; inputs outside are clamped to that range (e^-87 is 1e-38, which sigmoid and
/// swish treat as 0; e^88 is 1.6e38, which they treat as infinite). NaN stays NaN;
/// infinities give 0 and 1.6e38.
/// Everything is lane-wise arithmetic, min and max, so it compiles to vector instructions
/// (the standard library's SIMD `rounded` and `Int32` conversion go lane by lane).
enum FastMath {
    @inline(__always)
    static func exp(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let v = x.clamped(lowerBound: SIMD8(repeating: -87.3365447504), upperBound: SIMD8(repeating: 88.3762626647949))
        // Round to nearest by the 1.5 x 2^23 trick: the integer lands in the low mantissa bits.
        let magic = SIMD8<Float>(repeating: 12582912)
        let shifted = v * 1.44269504088896341 + magic
        let n = shifted - magic
        var r = v - n * 0.693359375
        r = r - n * -2.12194440e-4
        var p = SIMD8<Float>(repeating: 1.9875691500e-4)
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        p = p * r * r + r + 1
        // n + 127 in the exponent field: (bits of shifted - bits of magic) is n.
        let integer = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- unsafeBitCast(magic, to: SIMD8<Int32>.self)
        let scale = unsafeBitCast((integer &+ 127) &<< 23, to: SIMD8<Float>.self)
        var result = p * scale
        result.replace(with: x, where: x .!= x)
        return result
    }
}
