/// Winograd's minimal filtering F(m x m, 3x3) (Lavin and Gray, "Fast Algorithms for
/// Convolutional Neural Networks", 2016): a 3x3 stride-1 convolution computed tile by tile,
/// each m x m block of outputs from an (m + 2) x (m + 2) block of inputs:
///
///     Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A
///
/// F(4x4, 3x3) takes 36 multiplications per 16 outputs and channel pair instead of 144;
/// F(2x2, 3x3) takes 16 per 4 instead of 36, and suits small outputs, whose border F(4x4)'s
/// tiles would mostly waste. The weights' transform U = G g Gᵀ is done once, at compile time
/// (`transformWeights`), and stored as `[t, t, Cin, Cout]` (t = m + 2): for each of the t²
/// positions a `[Cin, Cout]` matrix, so the element-wise stage over all channels is t² GEMMs.
/// The matrices are the paper's, for the interpolation points 0, ±1, ±2 and ∞ (F(4x4)) and
/// 0, ±1 and ∞ (F(2x2)).
public struct WinogradTransform: Sendable {
    /// Outputs per tile side.
    public let outputTile: Int
    /// Inputs per tile side: outputTile + kernel - 1.
    public var inputTile: Int { outputTile + Self.kernel - 1 }
    /// The t² positions of a transformed tile: one GEMM each.
    public var positions: Int { inputTile * inputTile }
    /// The kernel it computes.
    public static let kernel = 3

    /// G, t x 3: the weights' transform.
    public let g: [[Double]]
    /// Bᵀ, t x t: the inputs' transform.
    public let bt: [[Double]]
    /// Aᵀ, m x t: the outputs' transform.
    public let at: [[Double]]

    public static let f4x4 = WinogradTransform(
        outputTile: 4,
        g: [
            [1.0 / 4, 0, 0],
            [-1.0 / 6, -1.0 / 6, -1.0 / 6],
            [-1.0 / 6, 1.0 / 6, -1.0 / 6],
            [1.0 / 24, 1.0 / 12, 1.0 / 6],
            [1.0 / 24, -1.0 / 12, 1.0 / 6],
            [0, 0, 1],
        ],
        bt: [
            [4, 0, -5, 0, 1, 0],
            [0, -4, -4, 1, 1, 0],
            [0, 4, -4, -1, 1, 0],
            [0, -2, -1, 2, 1, 0],
            [0, 2, -1, -2, 1, 0],
            [0, 4, 0, -5, 0, 1],
        ],
        at: [
            [1, 1, 1, 1, 1, 0],
            [0, 1, -1, 2, -2, 0],
            [0, 1, 1, 4, 4, 0],
            [0, 1, -1, 8, -8, 1],
        ])

    public static let f2x2 = WinogradTransform(
        outputTile: 2,
        g: [
            [1, 0, 0],
            [0.5, 0.5, 0.5],
            [0.5, -0.5, 0.5],
            [0, 0, 1],
        ],
        bt: [
            [1, 0, -1, 0],
            [0, 1, 1, 0],
            [0, -1, 1, 0],
            [0, 1, 0, -1],
        ],
        at: [
            [1, 1, 1, 0],
            [0, 1, -1, -1],
        ])

    /// U = G g Gᵀ for every (input, output) channel pair of HWIO `[3, 3, cin, cout]` weights,
    /// in double precision (one rounding per value), written to `u` as `[t, t, cin, cout]`. One
    /// position at a time, so the double-precision sums never take more than one `[cin, cout]` plane.
    public func transformWeights(_ w: UnsafeBufferPointer<Float>, inChannels cin: Int, outChannels cout: Int, into u: UnsafeMutableBufferPointer<Float>) {
        let plane = cin * cout, k = Self.kernel, t = inputTile
        precondition(w.count == k * k * plane && u.count == t * t * plane, "Winograd weights must be [3, 3, cin, cout]")
        var sums = [Double](repeating: 0, count: plane)
        do {
            sums.withUnsafeMutableBufferPointer { sums in
                for i in 0..<t { for j in 0..<t {
                    sums.update(repeating: 0)
                    for a in 0..<k { for b in 0..<k {
                        let factor = g[i][a] * g[j][b]
                        if factor == 0 { continue }
                        let source = w.baseAddress! + (a * k + b) * plane
                        for e in 0..<plane { sums[e] += factor * Double(source[e]) }
                    } }
                    let target = u.baseAddress! + (i * t + j) * plane
                    for e in 0..<plane { target[e] = Float(sums[e]) }
                } }
            }
        }
    }
}

/// Which algorithm computes a convolution, when it is not the direct one (im2col + GEMM).
public enum ConvolutionAlgorithm: String, Hashable, Sendable, Codable {
    /// `WinogradTransform.f4x4`: the weights input holds U, `[6, 6, Cin, Cout]`.
    case winogradF4x4 = "F(4x4,3x3)"
    /// `WinogradTransform.f2x2`: the weights input holds U, `[4, 4, Cin, Cout]`.
    case winogradF2x2 = "F(2x2,3x3)"

    public var transform: WinogradTransform {
        switch self {
        case .winogradF4x4: return .f4x4
        case .winogradF2x2: return .f2x2
        }
    }
}

/// How a convolution's weights are laid out in memory. Their declared shape never changes.
public enum WeightLayout: String, Hashable, Sendable, Codable {
    /// Every `[K, N]` weight matrix (HWIO seen as `[kh*kw*cin, cout]`, or each of a Winograd
    /// transform's 36 `[cin, cout]` matrices) stored as panels of 16 columns: panel p holds
    /// rows 0..<K of columns 16p..<16p+16, each row 16 contiguous floats. What the runtime's
    /// GEMM reads, so the weights are packed once, by the PackWeights pass, not per executor.
    /// Needs N to be a multiple of 16.
    case panels16

    public static let panelWidth = 16

    /// Where element (k, n) of a `[K, N]` matrix lives in this layout.
    @inlinable
    public func index(k: Int, n: Int, rows: Int) -> Int {
        let w = Self.panelWidth
        return ((n / w) * rows + k) * w + n % w
    }
}
