import GraphcIR

/// The scratch memory a node's kernel needs while it runs, decided once per shape at compile
/// time and recorded in the plan; the runtime uses what the plan gives and decides nothing.
///
/// Only convolutions need any. A Winograd one (`winogradElements`) transforms blocks of tiles
/// into `[tiles, 36, Cin]` and multiplies them into `[tiles, 36, Cout]`. A direct one that is
/// not a plain GEMM on its input unfolds its receptive fields (im2col) into a
/// `[rows, kh*kw*cin]` matrix (a 1x1 one with a prologue: its transformed input rows), the
/// whole matrix when it is no larger than the convolution's own input or output and
/// `maxTileElements`, else tiles of rows that fit (at least 64 rows, so each GEMM stays
/// efficient). Scratch then never dominates the arena, at any batch. A 1x1 stride-1 unpadded
/// convolution without a prologue (`isPointwise`) gets none: its GEMM reads the input directly.
public enum KernelScratch {
    /// 8 MiB of floats: large enough for full-speed GEMMs, small next to batched activations.
    public static let maxTileElements = 2 << 20

    /// Floats of scratch for each node that needs some.
    public static func requirements(_ graph: Graph, _ shapes: [[Int]]) -> [NodeID: Int] {
        var result: [NodeID: Int] = [:]
        for node in graph.nodes { if let n = elements(node, shapes) { result[node.id] = n } }
        return result
    }

    /// Floats of scratch `node` needs, nil when it needs none.
    public static func elements(_ node: Node, _ shapes: [[Int]]) -> Int? {
        im2colElements(node, shapes) ?? winogradElements(node, shapes) ?? transposedElements(node, shapes)
    }

    /// Floats of scratch a transposed convolution needs: the `[kh * kw * Cout]` patches of a
    /// block of input pixels (all of them when that fits `maxTileElements`, else at least 64).
    public static func transposedElements(_ node: Node, _ shapes: [[Int]]) -> Int? {
        guard case .conv2dTranspose = node.op else { return nil }
        let w = shapes[node.inputs[1]], x = shapes[node.inputs[0]]
        let patch = w[0] * w[1] * w[2], m = x[0] * x[1] * x[2]
        guard patch > 0, m > 0 else { return nil }
        return min(m, max(64, maxTileElements / patch)) * patch
    }

    /// The least scratch `node`'s kernel can work in: one unfolded row, or one tile's transforms.
    public static func minimumElements(_ node: Node, _ shapes: [[Int]]) -> Int {
        if case .conv2dTranspose = node.op { let w = shapes[node.inputs[1]]; return w[0] * w[1] * w[2] }
        guard case let .conv2d(a) = node.op, !a.isGrouped else { return 0 }
        let w = shapes[node.inputs[1]]
        if let algorithm = a.algorithm { return algorithm.transform.positions * (w[2] + w[3]) }
        return w.prefix(3).reduce(1, *)
    }

    public static func isPointwise(_ node: Node, _ shapes: [[Int]]) -> Bool {
        guard case let .conv2d(a) = node.op, a.algorithm == nil, !a.isGrouped, a.prologue == nil else { return false }
        let x = shapes[node.inputs[0]], w = shapes[node.inputs[1]], y = shapes[node.id]
        return w[0] == 1 && w[1] == 1 && a.strideH == 1 && a.strideW == 1 && (a.padding.isZero || a.padding == .same)
            && x[1] == y[1] && x[2] == y[2]
    }

    /// Floats of im2col scratch a convolution needs, nil when it needs none.
    public static func im2colElements(_ node: Node, _ shapes: [[Int]]) -> Int? {
        // Grouped convolutions are computed directly, without unfolding.
        guard case let .conv2d(a) = node.op, a.algorithm == nil, !a.isGrouped, !isPointwise(node, shapes) else { return nil }
        let w = shapes[node.inputs[1]], y = shapes[node.id]
        let k = w[0] * w[1] * w[2], m = y[0] * y[1] * y[2]
        guard k > 0, m > 0 else { return nil }
        let bound = min(max(shapes[node.inputs[0]].reduce(1, *), y.reduce(1, *)), maxTileElements)
        let rows = m * k <= bound ? m : min(m, max(64, bound / k))
        return rows * k
    }
}

extension KernelScratch {
    /// Floats of scratch a Winograd convolution needs: for a block of tiles, their transformed
    /// inputs `[block, 36, Cin]` and products `[block, 36, Cout]`. The block is all tiles when
    /// that fits `maxTileElements`, else as many as fit (at least 16). The kernel works out the
    /// block from the size it is given.
    public static func winogradElements(_ node: Node, _ shapes: [[Int]]) -> Int? {
        guard case let .conv2d(a) = node.op, let transform = a.algorithm?.transform else { return nil }
        let w = shapes[node.inputs[1]], y = shapes[node.id]
        let side = transform.outputTile, positions = transform.positions
        let tiles = y[0] * ((y[1] + side - 1) / side) * ((y[2] + side - 1) / side)
        let perTile = positions * (w[2] + w[3])
        guard tiles > 0, perTile > 0 else { return nil }
        return min(tiles, max(16, maxTileElements / perTile)) * perTile
    }
}
