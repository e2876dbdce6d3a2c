import GraphcIR

/// Winograd convolution (`WinogradTransform`: F(4x4, 3x3) or F(2x2, 3x3)) over NHWC, with the
/// weights already transformed by the compiler into t² `[Cin, Cout]` matrices (t = 6 or 4).
/// For each block of output tiles that fits the plan's scratch:
///
/// 1. every tile's t x t input patch is transformed (Bᵀ d B) into `V[tiles][t²][Cin]`;
/// 2. t² GEMMs `V[:, p] · U[p]` give `M[tiles][t²][Cout]`, split across threads by position;
/// 3. every tile's t x t products are transformed back (Aᵀ m A) into its outputs, with the
///    bias, residual and activation applied before they are stored.
///
/// V and M are tile-major: each tile's transforms are one contiguous run, written (and read
/// back) front to back, and each GEMM reads its position's rows `t²·Cin` apart. Position-major
/// scattered each tile's stores over t² places, each a cache line to fetch before writing it:
/// the input transform of a 14x14x256 layer took 0.084 of its 0.64 ms.
///
/// Both transforms work on 8 channels at a time in SIMD registers (channels are contiguous
/// in NHWC); the matrices' small integer entries are written out as adds and shifts-by-
/// multiplication, as every Winograd implementation does.
enum WinogradKernel {
    typealias Vector = SIMD8<Float>

    struct Geometry {
        var conv: ConvGeometry
        /// Outputs per tile side (4 or 2) and the transformed tile's positions (36 or 16).
        var side: Int, positions: Int
        var tilesH: Int, tilesW: Int
        var tiles: Int { conv.batch * tilesH * tilesW }
    }

    static func prepare(_ c: StepContext) throws(RuntimeError) -> Step? {
        guard case let .conv2d(a) = c.node.op, let transform = a.algorithm?.transform else { return nil }
        let conv = ConvolutionKernel.geometry(c)
        let side = transform.outputTile, positions = transform.positions
        let g = Geometry(conv: conv, side: side, positions: positions, tilesH: (conv.outHeight + side - 1) / side,
                         tilesW: (conv.outWidth + side - 1) / side)
        let perTile = positions * (conv.inChannels + conv.outChannels)
        guard let scratch = c.scratch, c.scratchElements >= perTile else {
            throw RuntimeError("the plan gives the Winograd convolution '\(c.node.name)' no scratch; compile it again")
        }
        let block = c.scratchElements / perTile
        let x = c.input(0), u = c.input(.weights)!, y = c.output, epilogue = c.epilogue, threads = c.threads
        if a.weightLayout == .panels16 {
            return { run(g, input: x, transformedWeights: u, output: y, epilogue: epilogue, scratch: scratch, block: block, threads: threads) }
        }
        let packed = PackedWeights(u, k: conv.inChannels, n: conv.outChannels, matrices: positions)
        return { run(g, input: x, transformedWeights: packed.pointer, output: y, epilogue: epilogue, scratch: scratch, block: block, threads: threads) }
    }

    static func run(_ g: Geometry, input: UnsafePointer<Float>, transformedWeights u: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
                    epilogue: EpiloguePointers, scratch: UnsafeMutablePointer<Float>, block: Int, threads: Int) {
        let cin = g.conv.inChannels, cout = g.conv.outChannels, positions = g.positions
        var first = 0
        while first < g.tiles {
            let count = min(block, g.tiles - first), start = first
            let v = scratch, m = scratch + positions * count * cin
            parallelFor(count, threads: threads, minimumPerThread: 8) { r in
                let tiles = start + r.lowerBound..<start + r.upperBound
                if g.side == 4 {
                    transformInputs(F4x4.self, g, input, tiles: tiles, block: start, into: v)
                } else {
                    transformInputs(F2x2.self, g, input, tiles: tiles, block: start, into: v)
                }
            }
            let each = PanelGEMM.packedCount(k: cin, n: cout)
            parallelFor(positions, threads: threads) { r in
                for p in r {
                    PanelGEMM.multiply(rows: 0..<count, columns: 0..<cout, k: cin, a: v + p * cin, lda: positions * cin, packed: u + p * each,
                                       c: m + p * cout, ldc: positions * cout, accumulate: false)
                }
            }
            parallelFor(count, threads: threads, minimumPerThread: 8) { r in
                let tiles = start + r.lowerBound..<start + r.upperBound
                if g.side == 4 {
                    transformOutputs(F4x4.self, g, m, tiles: tiles, block: start, output: output, epilogue: epilogue)
                } else {
                    transformOutputs(F2x2.self, g, m, tiles: tiles, block: start, output: output, epilogue: epilogue)
                }
            }
            first += count
        }
    }

    /// The tile's batch index and the top-left of its outputs.
    @inline(__always)
    static func origin(_ g: Geometry, _ t: Int) -> (b: Int, y: Int, x: Int) {
        let perImage = g.tilesH * g.tilesW
        let b = t / perImage, r = t - b * perImage
        let ty = r / g.tilesW
        return (b, ty * g.side, (r - ty * g.tilesW) * g.side)
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ n: Int) -> Vector {
        if n == Vector.scalarCount { return UnsafeRawPointer(p).loadUnaligned(as: Vector.self) }
        var v = Vector()
        for i in 0..<n { v[i] = p[i] }
        return v
    }

    @inline(__always)
    static func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>, _ n: Int) {
        if n == Vector.scalarCount { UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self); return }
        for i in 0..<n { p[i] = v[i] }
    }

    /// V[t - block][p][c] = (Bᵀ d B)[p] for each tile t in `tiles`, d its t x t input patch
    /// (zeros outside the image).
    static func transformInputs<T: WinogradTile>(_: T.Type, _ g: Geometry, _ input: UnsafePointer<Float>, tiles: Range<Int>, block: Int,
                                                  into v: UnsafeMutablePointer<Float>) {
        let c = g.conv, cin = c.inChannels, n = T.inputs
        withUnsafeTemporaryAllocation(of: Vector.self, capacity: 2 * n * n) { scratch in
            let patch = scratch.baseAddress!, tmp = patch + n * n
            for t in tiles {
                let (b, oy, ox) = origin(g, t)
                let iy0 = oy - c.padTop, ix0 = ox - c.padLeft
                let image = input + b * c.inHeight * c.inWidth * cin
                let target = v + (t - block) * n * n * cin
                var c0 = 0
                while c0 < cin {
                    let width = min(Vector.scalarCount, cin - c0)
                    for i in 0..<n {
                        let iy = iy0 + i
                        for j in 0..<n {
                            let ix = ix0 + j
                            let inside = iy >= 0 && iy < c.inHeight && ix >= 0 && ix < c.inWidth
                            patch[i * n + j] = inside ? load(image + (iy * c.inWidth + ix) * cin + c0, width) : Vector()
                        }
                    }
                    // Bᵀ d, column by column, then (Bᵀ d) B, row by row, stored at the t² positions.
                    for j in 0..<n { T.inputTransform(patch + j, stride: n, into: tmp + j, stride: n) }
                    for i in 0..<n { T.inputTransform(tmp + i * n, stride: 1, into: patch + i * n, stride: 1) }
                    for p in 0..<n * n { store(patch[p], target + p * cin + c0, width) }
                    c0 += Vector.scalarCount
                }
            }
        }
    }

    /// The outputs of each tile in `tiles`: Aᵀ m A from M[t - block][p][c], plus bias and
    /// residual, through the activation, clipped to the output's edge.
    static func transformOutputs<T: WinogradTile>(_: T.Type, _ g: Geometry, _ m: UnsafePointer<Float>, tiles: Range<Int>, block: Int,
                                                   output: UnsafeMutablePointer<Float>, epilogue e: EpiloguePointers) {
        let c = g.conv, cout = c.outChannels, n = T.inputs, side = T.outputs
        let reluInRegisters = e.activation == .relu
        withUnsafeTemporaryAllocation(of: Vector.self, capacity: n * n + side * n + side * side) { scratch in
            let products = scratch.baseAddress!, tmp = products + n * n, values = tmp + side * n
            for t in tiles {
                let (b, oy, ox) = origin(g, t)
                let rows = min(side, c.outHeight - oy), columns = min(side, c.outWidth - ox)
                let corner = ((b * c.outHeight + oy) * c.outWidth + ox) * cout
                let source = m + (t - block) * n * n * cout
                var c0 = 0
                while c0 < cout {
                    let width = min(Vector.scalarCount, cout - c0)
                    for p in 0..<n * n { products[p] = load(source + p * cout + c0, width) }
                    // Aᵀ m, column by column, then (Aᵀ m) A, row by row.
                    for j in 0..<n { T.outputTransform(products + j, stride: n, into: tmp + j, stride: n) }
                    for i in 0..<side { T.outputTransform(tmp + i * n, stride: 1, into: values + i * side, stride: 1) }
                    let bias = e.bias.map { load($0 + c0, width) } ?? Vector()
                    for i in 0..<rows {
                        for j in 0..<columns {
                            let offset = corner + (i * c.outWidth + j) * cout + c0
                            var y = values[i * side + j] + bias
                            if let residual = e.residual { y += load(residual + offset, width) }
                            if reluInRegisters { y = y.replacing(with: 0, where: y .< 0) }
                            store(y, output + offset, width)
                        }
                    }
                    c0 += Vector.scalarCount
                }
                if let f = e.activation, !reluInRegisters {
                    for i in 0..<rows {
                        let p = output + corner + i * c.outWidth * cout
                        ElementwiseKernel.apply(f, p, p, count: columns * cout)
                    }
                }
            }
        }
    }
}

/// A Winograd tile's two one-dimensional transforms on 8 channels at a time, with the
/// matrices' small integer entries written out as adds and multiplications by constants, as
/// every Winograd implementation does. Generic code specialized per tile keeps the loops alike.
protocol WinogradTile {
    /// t: inputs per tile side.
    static var inputs: Int { get }
    /// m: outputs per tile side.
    static var outputs: Int { get }
    /// Bᵀ applied to t values `d[0], d[stride], ...`, written to `out[0], out[outStride], ...`.
    static func inputTransform(_ d: UnsafePointer<SIMD8<Float>>, stride: Int, into out: UnsafeMutablePointer<SIMD8<Float>>, stride outStride: Int)
    /// Aᵀ applied to t values, m results.
    static func outputTransform(_ m: UnsafePointer<SIMD8<Float>>, stride: Int, into out: UnsafeMutablePointer<SIMD8<Float>>, stride outStride: Int)
}

/// F(4x4, 3x3): the rows of `WinogradTransform.f4x4.bt` and `.at`.
enum F4x4: WinogradTile {
    static let inputs = 6, outputs = 4

    @inline(__always)
    static func inputTransform(_ d: UnsafePointer<SIMD8<Float>>, stride s: Int, into out: UnsafeMutablePointer<SIMD8<Float>>, stride o: Int) {
        let d0 = d[0], d1 = d[s], d2 = d[2 * s], d3 = d[3 * s], d4 = d[4 * s], d5 = d[5 * s]
        out[0] = 4 * d0 - 5 * d2 + d4
        out[o] = -4 * (d1 + d2) + d3 + d4
        out[2 * o] = 4 * (d1 - d2) - d3 + d4
        out[3 * o] = 2 * (d3 - d1) - d2 + d4
        out[4 * o] = 2 * (d1 - d3) - d2 + d4
        out[5 * o] = 4 * d1 - 5 * d3 + d5
    }

    @inline(__always)
    static func outputTransform(_ m: UnsafePointer<SIMD8<Float>>, stride s: Int, into out: UnsafeMutablePointer<SIMD8<Float>>, stride o: Int) {
        let a = m[s] + m[2 * s], b = m[s] - m[2 * s], c = m[3 * s] + m[4 * s], d = m[3 * s] - m[4 * s]
        out[0] = m[0] + a + c
        out[o] = b + 2 * d
        out[2 * o] = a + 4 * c
        out[3 * o] = b + 8 * d + m[5 * s]
    }
}

/// F(2x2, 3x3): the rows of `WinogradTransform.f2x2.bt` and `.at`.
enum F2x2: WinogradTile {
    static let inputs = 4, outputs = 2

    @inline(__always)
    static func inputTransform(_ d: UnsafePointer<SIMD8<Float>>, stride s: Int, into out: UnsafeMutablePointer<SIMD8<Float>>, stride o: Int) {
        let d0 = d[0], d1 = d[s], d2 = d[2 * s], d3 = d[3 * s]
        out[0] = d0 - d2
        out[o] = d1 + d2
        out[2 * o] = d2 - d1
        out[3 * o] = d1 - d3
    }

    @inline(__always)
    static func outputTransform(_ m: UnsafePointer<SIMD8<Float>>, stride s: Int, into out: UnsafeMutablePointer<SIMD8<Float>>, stride o: Int) {
        out[0] = m[0] + m[s] + m[2 * s]
        out[o] = m[s] - m[2 * s] - m[3 * s]
    }
}
