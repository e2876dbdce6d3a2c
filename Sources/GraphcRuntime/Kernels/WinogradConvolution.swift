import GraphcIR

/// F(4x4, 3x3) Winograd convolution (`WinogradTransform`) over NHWC, with the weights already
/// transformed by the compiler into 36 `[Cin, Cout]` matrices. For each block of 4x4 output
/// tiles that fits the plan's scratch:
///
/// 1. every tile's 6x6 input patch is transformed (Bᵀ d B) into `V[36][tiles][Cin]`;
/// 2. 36 GEMMs `V[p] · U[p]` give `M[36][tiles][Cout]`, split across threads by position,
///    each a single-threaded OpenBLAS call;
/// 3. every tile's 6x6 products are transformed back (Aᵀ m A) into its 4x4 outputs, with the
///    bias, residual and activation applied before they are stored.
///
/// Both transforms work on 8 channels at a time in SIMD registers (channels are contiguous
/// in NHWC); the matrices' small integer entries are written out as adds and shifts-by-
/// multiplication, as every Winograd implementation does.
enum WinogradKernel {
    typealias Vector = SIMD8<Float>
    static let positions = WinogradTransform.inputTile * WinogradTransform.inputTile

    struct Geometry {
        var conv: ConvGeometry
        var tilesH: Int, tilesW: Int
        var tiles: Int { conv.batch * tilesH * tilesW }
    }

    static func prepare(_ c: StepContext) throws(RuntimeError) -> Step? {
        let conv = ConvolutionKernel.geometry(c)
        let side = WinogradTransform.outputTile
        let g = Geometry(conv: conv, tilesH: (conv.outHeight + side - 1) / side, tilesW: (conv.outWidth + side - 1) / side)
        let perTile = positions * (conv.inChannels + conv.outChannels)
        guard let scratch = c.scratch, c.scratchElements >= perTile else {
            throw RuntimeError("the plan gives the Winograd convolution '\(c.node.name)' no scratch; compile it again")
        }
        let block = c.scratchElements / perTile
        let x = c.input(0), u = c.input(.weights)!, y = c.output, epilogue = c.epilogue, threads = c.threads
        if case let .conv2d(a) = c.node.op, a.weightLayout == .panels16 {
            return { run(g, input: x, transformedWeights: u, output: y, epilogue: epilogue, scratch: scratch, block: block, threads: threads) }
        }
        let packed = PackedWeights(u, k: conv.inChannels, n: conv.outChannels, matrices: positions)
        return { run(g, input: x, transformedWeights: packed.pointer, output: y, epilogue: epilogue, scratch: scratch, block: block, threads: threads) }
    }

    static func run(_ g: Geometry, input: UnsafePointer<Float>, transformedWeights u: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
                    epilogue: EpiloguePointers, scratch: UnsafeMutablePointer<Float>, block: Int, threads: Int) {
        let cin = g.conv.inChannels, cout = g.conv.outChannels
        var first = 0
        while first < g.tiles {
            let count = min(block, g.tiles - first), start = first
            let v = scratch, m = scratch + positions * count * cin
            parallelFor(count, threads: threads, minimumPerThread: 8) { r in
                transformInputs(g, input, tiles: start + r.lowerBound..<start + r.upperBound, block: start, blockSize: count, into: v)
            }
            let each = PanelGEMM.packedCount(k: cin, n: cout)
            parallelFor(positions, threads: threads) { r in
                for p in r {
                    PanelGEMM.multiply(rows: 0..<count, columns: 0..<cout, k: cin, a: v + p * count * cin, lda: cin, packed: u + p * each,
                                       c: m + p * count * cout, ldc: cout, accumulate: false)
                }
            }
            parallelFor(count, threads: threads, minimumPerThread: 8) { r in
                transformOutputs(g, m, tiles: start + r.lowerBound..<start + r.upperBound, block: start, blockSize: count,
                                 output: output, epilogue: epilogue)
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
        return (b, ty * WinogradTransform.outputTile, (r - ty * g.tilesW) * WinogradTransform.outputTile)
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

    /// Bᵀ applied to a column of six values (the rows of Bᵀ in `WinogradTransform.bt`).
    @inline(__always)
    static func inputTransform(_ d0: Vector, _ d1: Vector, _ d2: Vector, _ d3: Vector, _ d4: Vector, _ d5: Vector)
        -> (Vector, Vector, Vector, Vector, Vector, Vector) {
        let t0 = 4 * d0 - 5 * d2 + d4
        let t1 = -4 * (d1 + d2) + d3 + d4
        let t2 = 4 * (d1 - d2) - d3 + d4
        let t3 = 2 * (d3 - d1) - d2 + d4
        let t4 = 2 * (d1 - d3) - d2 + d4
        let t5 = 4 * d1 - 5 * d3 + d5
        return (t0, t1, t2, t3, t4, t5)
    }

    /// Aᵀ applied to a column of six values (the rows of Aᵀ in `WinogradTransform.at`).
    @inline(__always)
    static func outputTransform(_ m0: Vector, _ m1: Vector, _ m2: Vector, _ m3: Vector, _ m4: Vector, _ m5: Vector)
        -> (Vector, Vector, Vector, Vector) {
        let a = m1 + m2, b = m1 - m2, c = m3 + m4, d = m3 - m4
        return (m0 + a + c, b + 2 * d, a + 4 * c, b + 8 * d + m5)
    }

    /// V[p][t - block][c] = (Bᵀ d B)[p] for each tile t in `tiles`, d its 6x6 input patch
    /// (zeros outside the image).
    static func transformInputs(_ g: Geometry, _ input: UnsafePointer<Float>, tiles: Range<Int>, block: Int, blockSize: Int,
                                into v: UnsafeMutablePointer<Float>) {
        let c = g.conv, cin = c.inChannels, n = WinogradTransform.inputTile
        withUnsafeTemporaryAllocation(of: Vector.self, capacity: positions) { tmp in
            let tmp = tmp.baseAddress!
            for t in tiles {
                let (b, oy, ox) = origin(g, t)
                let iy0 = oy - c.padTop, ix0 = ox - c.padLeft
                let image = input + b * c.inHeight * c.inWidth * cin
                let target = v + (t - block) * cin
                var c0 = 0
                while c0 < cin {
                    let width = min(Vector.scalarCount, cin - c0)
                    // Bᵀ d, column by column.
                    for j in 0..<n {
                        let ix = ix0 + j
                        var d = (Vector(), Vector(), Vector(), Vector(), Vector(), Vector())
                        if ix >= 0, ix < c.inWidth {
                            @inline(__always) func at(_ i: Int) -> Vector {
                                let iy = iy0 + i
                                guard iy >= 0, iy < c.inHeight else { return Vector() }
                                return load(image + (iy * c.inWidth + ix) * cin + c0, width)
                            }
                            d = (at(0), at(1), at(2), at(3), at(4), at(5))
                        }
                        let r = inputTransform(d.0, d.1, d.2, d.3, d.4, d.5)
                        tmp[j] = r.0; tmp[6 + j] = r.1; tmp[12 + j] = r.2; tmp[18 + j] = r.3; tmp[24 + j] = r.4; tmp[30 + j] = r.5
                    }
                    // (Bᵀ d) B, row by row, stored at the 36 positions.
                    for i in 0..<n {
                        let row = tmp + i * n
                        let r = inputTransform(row[0], row[1], row[2], row[3], row[4], row[5])
                        let p = target + i * n * blockSize * cin + c0, step = blockSize * cin
                        store(r.0, p, width); store(r.1, p + step, width); store(r.2, p + 2 * step, width)
                        store(r.3, p + 3 * step, width); store(r.4, p + 4 * step, width); store(r.5, p + 5 * step, width)
                    }
                    c0 += Vector.scalarCount
                }
            }
        }
    }

    /// The 4x4 outputs of each tile in `tiles`: Aᵀ m A from M[p][t - block][c], plus bias and
    /// residual, through the activation, clipped to the output's edge.
    static func transformOutputs(_ g: Geometry, _ m: UnsafePointer<Float>, tiles: Range<Int>, block: Int, blockSize: Int,
                                 output: UnsafeMutablePointer<Float>, epilogue e: EpiloguePointers) {
        let c = g.conv, cout = c.outChannels, n = WinogradTransform.inputTile, side = WinogradTransform.outputTile
        let reluInRegisters = e.activation == .relu
        withUnsafeTemporaryAllocation(of: Vector.self, capacity: side * n + side) { tmp in
            let tmp = tmp.baseAddress!, values = tmp + side * n
            for t in tiles {
                let (b, oy, ox) = origin(g, t)
                let rows = min(side, c.outHeight - oy), columns = min(side, c.outWidth - ox)
                let corner = ((b * c.outHeight + oy) * c.outWidth + ox) * cout
                let source = m + (t - block) * cout, step = blockSize * cout
                var c0 = 0
                while c0 < cout {
                    let width = min(Vector.scalarCount, cout - c0)
                    // Aᵀ m, column by column.
                    for j in 0..<n {
                        let p = source + j * step + c0
                        let r = outputTransform(load(p, width), load(p + n * step, width), load(p + 2 * n * step, width),
                                                load(p + 3 * n * step, width), load(p + 4 * n * step, width), load(p + 5 * n * step, width))
                        tmp[j] = r.0; tmp[n + j] = r.1; tmp[2 * n + j] = r.2; tmp[3 * n + j] = r.3
                    }
                    let bias = e.bias.map { load($0 + c0, width) } ?? Vector()
                    // (Aᵀ m) A, row by row, then the epilogue.
                    for i in 0..<rows {
                        let row = tmp + i * n
                        let r = outputTransform(row[0], row[1], row[2], row[3], row[4], row[5])
                        values[0] = r.0; values[1] = r.1; values[2] = r.2; values[3] = r.3
                        for j in 0..<columns {
                            let offset = corner + (i * c.outWidth + j) * cout + c0
                            var y = values[j] + bias
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
