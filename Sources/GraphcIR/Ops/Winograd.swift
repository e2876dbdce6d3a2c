/// Winograd's minimal filtering F(4x4, 3x3) (Lavin and Gray, "Fast Algorithms for
/// Convolutional Neural Networks", 2016): a 3x3 stride-1 convolution computed tile by tile,
/// each 4x4 block of outputs from a 6x6 block of inputs with 36 multiplications per input and
/// output channel pair instead of 144:
///
///     Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A
///
/// The weights' transform U = G g Gᵀ is done once, at compile time (`transformWeights`), and
/// stored as `[6, 6, Cin, Cout]`: for each of the 36 positions a `[Cin, Cout]` matrix, so the
/// element-wise stage over all channels is 36 GEMMs. The matrices below are the ones the
/// paper gives for the interpolation points 0, ±1, ±2 and ∞.
public enum WinogradTransform {
    /// Outputs per tile side.
    public static let outputTile = 4
    /// Inputs per tile side: outputTile + kernel - 1.
    public static let inputTile = 6
    /// The kernel it computes.
    public static let kernel = 3

    /// G, 6x3: the weights' transform.
    public static let g: [[Double]] = [
        [1.0 / 4, 0, 0],
        [-1.0 / 6, -1.0 / 6, -1.0 / 6],
        [-1.0 / 6, 1.0 / 6, -1.0 / 6],
        [1.0 / 24, 1.0 / 12, 1.0 / 6],
        [1.0 / 24, -1.0 / 12, 1.0 / 6],
        [0, 0, 1],
    ]
    /// Bᵀ, 6x6: the inputs' transform.
    public static let bt: [[Double]] = [
        [4, 0, -5, 0, 1, 0],
        [0, -4, -4, 1, 1, 0],
        [0, 4, -4, -1, 1, 0],
        [0, -2, -1, 2, 1, 0],
        [0, 2, -1, -2, 1, 0],
        [0, 4, 0, -5, 0, 1],
    ]
    /// Aᵀ, 4x6: the outputs' transform.
    public static let at: [[Double]] = [
        [1, 1, 1, 1, 1, 0],
        [0, 1, -1, 2, -2, 0],
        [0, 1, 1, 4, 4, 0],
        [0, 1, -1, 8, -8, 1],
    ]

    /// U = G g Gᵀ for every (input, output) channel pair of HWIO `[3, 3, cin, cout]` weights,
    /// in double precision (one rounding per value), as `[6, 6, cin, cout]`.
    public static func transformWeights(_ w: UnsafeBufferPointer<Float>, inChannels cin: Int, outChannels cout: Int) -> [Float] {
        let plane = cin * cout
        precondition(w.count == kernel * kernel * plane, "Winograd weights must be [3, 3, cin, cout]")
        var u = [Double](repeating: 0, count: inputTile * inputTile * plane)
        u.withUnsafeMutableBufferPointer { u in
            for i in 0..<inputTile { for j in 0..<inputTile {
                let target = u.baseAddress! + (i * inputTile + j) * plane
                for a in 0..<kernel { for b in 0..<kernel {
                    let factor = g[i][a] * g[j][b]
                    if factor == 0 { continue }
                    let source = w.baseAddress! + (a * kernel + b) * plane
                    for e in 0..<plane { target[e] += factor * Double(source[e]) }
                } }
            } }
        }
        return u.map(Float.init)
    }
}

/// Which algorithm computes a convolution, when it is not the direct one (im2col + GEMM).
public enum ConvolutionAlgorithm: String, Hashable, Sendable, Codable {
    /// `WinogradTransform`: the weights input holds U, `[6, 6, Cin, Cout]`.
    case winogradF4x4 = "F(4x4,3x3)"
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
