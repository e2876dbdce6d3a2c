import GraphcIR

/// UseWinograd: a 3x3, stride-1, undilated convolution with known weights is computed with
/// Winograd's algorithm when its output is large enough for it to pay (`algorithm(for:)`):
/// F(4x4, 3x3) from 14x14 up, F(2x2, 3x3) from 6x6 (ResNet's 7x7 maps). Its weights are
/// replaced by their transform U = G g Gᵀ (`WinogradTransform`), made here once in double
/// precision and stored with the plan, and the convolution is marked with the algorithm. Its
/// epilogue, padding and output are unchanged. The transform is exact in real arithmetic; in
/// float32 it differs from the direct convolution by rounding only (about 1e-6 of the largest
/// output per layer; `graphc bench --profile` reports each layer's).
///
/// Runs after the folds and fusions, so it transforms the final weights. Disabled with
/// `--no-winograd` (or `--disable-pass UseWinograd`), which gives the exact direct path.
enum UseWinograd {
    static let pass = Pass(name: "UseWinograd", summary: "compute 3x3 stride-1 convolutions with Winograd F(4x4,3x3) or F(2x2,3x3), weights transformed at compile time") { program in
        var editor = GraphEditor(program.graph)
        for node in program.graph.nodes {
            guard case var .conv2d(a) = node.op, a.algorithm == nil, !a.isGrouped, a.strideH == 1, a.strideW == 1, a.dilationH == 1, a.dilationW == 1,
                  let wID = node.input(.weights) else { continue }
            let w = editor.nodes[wID], y = node.shape
            guard w.shape.dims.count == 4, let kh = w.shape[0], let kw = w.shape[1], let cin = w.shape[2], let cout = w.shape[3],
                  kh == 3, kw == 3, y.rank == 4, let height = y[1], let width = y[2],
                  let algorithm = algorithm(height: height, width: width, inChannels: cin, outChannels: cout) else { continue }
            let transform = algorithm.transform
            let t = transform.inputTile
            a.algorithm = algorithm
            editor.replaceWeights(of: node.id, op: .conv2d(a), suffix: "_winograd", shape: [t, t, cin, cout], weights: program.weights) { values, u in
                transform.transformWeights(UnsafeBufferPointer(start: values, count: 9 * cin * cout), inChannels: cin, outChannels: cout, into: u)
            }
        }
        program.graph = EliminateDeadCode.run(editor.finish())
    }

    /// The Winograd variant expected to beat im2col + GEMM on a `height x width` output, if any.
    /// F(4x4) from 14x14: below, its 4x4 tiles waste much of their work on the border (a 7x7
    /// output takes 8x8 of tiles) and its 4x larger transformed weights are streamed for few
    /// tiles. F(2x2) from 6x6: on a 7x7 map 1.7x fewer multiplications with weights only 16/9
    /// the size. Smaller maps (3x3) stay direct: their GEMMs have too few rows to pay for
    /// streaming any transformed weights.
    static func algorithm(height: Int, width: Int, inChannels: Int, outChannels: Int) -> ConvolutionAlgorithm? {
        guard inChannels >= 4, outChannels >= 4 else { return nil }
        if height * width >= 14 * 14 { return .winogradF4x4 }
        if height >= 6, width >= 6 { return .winogradF2x2 }
        return nil
    }
}
