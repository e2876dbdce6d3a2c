import GraphcTestSupport
import Testing
@testable import GraphcRuntime

/// graphc's own GEMM on packed panels against a naive triple loop written here: every row
/// count from 1 to 17 (so each micro-kernel size from 1 to 8 rows runs) and beyond one chunk of
/// rows, column counts on and off the 16-wide panels, depths below and above the k slice,
/// accumulating or not, and multiplying a sub-range of rows and panels.
@Suite struct PanelGEMMTests {
    static let shapes: [(m: Int, n: Int, k: Int)] = [
        (1, 16, 1), (6, 16, 7), (7, 5, 3), (13, 33, 20), (49, 64, 400), (12, 48, 1500), (25, 80, 900), (203, 32, 50), (9, 17, 800),
    ]

    /// Packs `b` `[k, n]` and multiplies `a` `[rows, k]` by it into `c` (`n` columns), over
    /// `rows` and `columns` (all of them by default).
    func multiply(_ a: [Float], _ b: [Float], into c: inout [Float], n: Int, k: Int, rows: Range<Int>, columns: Range<Int>? = nil,
                  accumulate: Bool = false, epilogue: PanelEpilogue = PanelEpilogue()) {
        b.withUnsafeBufferPointer { bp in
            let packed = PackedWeights(bp.baseAddress!, k: k, n: n)
            a.withUnsafeBufferPointer { ap in
                c.withUnsafeMutableBufferPointer { cp in
                    PanelGEMM.multiply(rows: rows, columns: columns ?? 0..<n, k: k, a: ap.baseAddress!, lda: k, packed: packed.pointer,
                                       c: cp.baseAddress!, ldc: n, accumulate: accumulate, epilogue: epilogue)
                }
            }
        }
    }

    @Test(arguments: shapes.indices, [false, true])
    func matchesANaiveProduct(_ i: Int, _ accumulate: Bool) {
        let (m, n, k) = Self.shapes[i]
        let a = Tensors.uniform([m, k], seed: 1, name: "a").data.map { $0 - 0.5 }
        let b = Tensors.uniform([k, n], seed: 2, name: "b").data.map { $0 - 0.5 }
        let start = Tensors.uniform([m, n], seed: 3, name: "c").data
        var expected = [Double](repeating: 0, count: m * n)
        for r in 0..<m { for c in 0..<n {
            var sum = accumulate ? Double(start[r * n + c]) : 0
            for kk in 0..<k { sum += Double(a[r * k + kk]) * Double(b[kk * n + c]) }
            expected[r * n + c] = sum
        } }
        var c = start
        multiply(a, b, into: &c, n: n, k: k, rows: 0..<m, accumulate: accumulate)
        let scale = max(expected.map(abs).max()!, 1e-6)
        let error = zip(c, expected).map { abs(Double($0) - $1) }.max()! / scale
        #expect(error < 1e-5, "m \(m) n \(n) k \(k): relative error \(error)")
    }

    /// Rows 1 to 17 are shared out as blocks of every size the kernels have (1 to 8 rows, or 1
    /// to 6 without AVX-512). Each row must come out bit for bit as it does alone: the sizes
    /// sum in the same order, so a result does not depend on how rows were blocked or split.
    @Test(arguments: 1...17)
    func everyBlockSizeSumsLikeASingleRow(_ m: Int) {
        let (n, k) = (20, 37)
        let a = Tensors.uniform([m, k], seed: 6, name: "a").data.map { $0 - 0.5 }
        let b = Tensors.uniform([k, n], seed: 7, name: "b").data.map { $0 - 0.5 }
        var together = [Float](repeating: 0, count: m * n), alone = together
        multiply(a, b, into: &together, n: n, k: k, rows: 0..<m)
        for r in 0..<m { multiply(a, b, into: &alone, n: n, k: k, rows: r..<r + 1) }
        for r in 0..<m { for col in 0..<n {
            var sum = 0.0
            for kk in 0..<k { sum += Double(a[r * k + kk]) * Double(b[kk * n + col]) }
            #expect(abs(Double(together[r * n + col]) - sum) < 1e-5, "m \(m): (\(r), \(col))")
        } }
        #expect(together == alone, "m \(m): a row's sums depend on the block that computed it")
    }

    @Test func multipliesOnlyTheRowsAndPanelsAsked() {
        let (m, n, k) = (14, 48, 30)
        let a = Tensors.uniform([m, k], seed: 4, name: "a").data
        let b = Tensors.uniform([k, n], seed: 5, name: "b").data
        var c = [Float](repeating: -7, count: m * n)
        multiply(a, b, into: &c, n: n, k: k, rows: 3..<11, columns: 16..<32)
        for r in 0..<m { for col in 0..<n {
            let inside = (3..<11).contains(r) && (16..<32).contains(col)
            if inside {
                var sum: Float = 0
                for kk in 0..<k { sum += a[r * k + kk] * b[kk * n + col] }
                #expect(abs(c[r * n + col] - sum) < 1e-4)
            } else {
                #expect(c[r * n + col] == -7, "(\(r), \(col)) was written")
            }
        } }
    }

    /// The epilogue applied as blocks are stored, against a loop: the residual where the first
    /// slice's sums start, the bias and the clamp after the last (800 is three slices of k),
    /// on a partial last panel (40 columns), and with the residual in C itself (in place).
    @Test(arguments: [PanelEpilogue.Clamp.none, .relu, .relu6], [false, true])
    func appliesResidualBiasAndClampAsItStores(_ clamp: PanelEpilogue.Clamp, _ inPlace: Bool) {
        let (m, n, k) = (13, 40, 800)
        let a = Tensors.uniform([m, k], seed: 8, name: "a").data.map { ($0 - 0.5) * 0.5 }
        let b = Tensors.uniform([k, n], seed: 9, name: "b").data.map { $0 - 0.5 }
        let residual = Tensors.uniform([m, n], seed: 10, name: "r").data.map { ($0 - 0.5) * 8 }
        let bias = Tensors.uniform([n], seed: 11, name: "bias").data.map { ($0 - 0.5) * 8 }
        var c = inPlace ? residual : [Float](repeating: 0, count: m * n)
        b.withUnsafeBufferPointer { bp in
            let packed = PackedWeights(bp.baseAddress!, k: k, n: n)
            a.withUnsafeBufferPointer { ap in
                residual.withUnsafeBufferPointer { rp in
                    bias.withUnsafeBufferPointer { biasp in
                        c.withUnsafeMutableBufferPointer { cp in
                            // In place, the residual is C's own values, which the GEMM must read first.
                            var e = PanelEpilogue(residual: inPlace ? UnsafePointer(cp.baseAddress!) : rp.baseAddress!, bias: biasp.baseAddress!)
                            e.clamp = clamp
                            PanelGEMM.multiply(rows: 0..<m, columns: 0..<n, k: k, a: ap.baseAddress!, lda: k, packed: packed.pointer,
                                               c: cp.baseAddress!, ldc: n, accumulate: false, epilogue: e)
                        }
                    }
                }
            }
        }
        var worst = 0.0
        for r in 0..<m { for col in 0..<n {
            var y = Double(residual[r * n + col]) + Double(bias[col])
            for kk in 0..<k { y += Double(a[r * k + kk]) * Double(b[kk * n + col]) }
            switch clamp {
            case .none: break
            case .relu: y = max(y, 0)
            case .relu6: y = min(max(y, 0), 6)
            }
            worst = max(worst, abs(Double(c[r * n + col]) - y))
        } }
        #expect(worst < 1e-4, "\(clamp), in place \(inPlace): largest error \(worst)")
    }
}
