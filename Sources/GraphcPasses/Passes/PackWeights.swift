import GraphcIR

/// PackWeights: a convolution's weights, stored in the order the runtime's GEMM reads them
/// (`WeightLayout.panels16`: panels of 16 output channels), once, at compile time, so no
/// executor packs or holds a second copy. The declared shape stays; the convolution is marked
/// `weights=panels16`. Convolutions whose output channels are not a multiple of 16 (a
/// 1000-class 1x1 logits layer) keep HWIO and are packed when an executor is made.
///
/// Runs last before dead-code elimination: nothing after it reads weights by their HWIO
/// position (folding would scale the wrong elements). A convolution whose weights another op
/// also reads gets a packed copy of its own.
enum PackWeights {
    static let pass = Pass(name: "PackWeights", summary: "store convolution weights in the GEMM's 16-channel panels") { program in
        var editor = GraphEditor(program.graph)
        for node in program.graph.nodes {
            guard case var .conv2d(a) = node.op, a.weightLayout == nil, !a.isGrouped, let wID = node.input(.weights) else { continue }
            let w = editor.nodes[wID]
            guard w.shape.rank == 4, let count = w.shape.elementCount,
                  let n = w.shape[3], n % WeightLayout.panelWidth == 0, n > 0 else { continue }
            // The [K, N] matrices: one for a direct convolution, t² for a Winograd one.
            let matrices = a.algorithm?.transform.positions ?? 1
            let rows = count / n / matrices
            a.weightLayout = .panels16
            editor.replaceWeights(of: node.id, op: .conv2d(a), suffix: "_packed", shape: w.shape.dims.map { $0 ?? 0 },
                                  weights: program.weights) { values, packed in
                for m in 0..<matrices {
                    let base = m * rows * n
                    for k in 0..<rows { for j in 0..<n {
                        packed[base + WeightLayout.panels16.index(k: k, n: j, rows: rows)] = values[base + k * n + j]
                    } }
                }
            }
        }
        program.graph = EliminateDeadCode.run(editor.finish())
    }
}
