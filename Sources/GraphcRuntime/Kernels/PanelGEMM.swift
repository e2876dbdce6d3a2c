import CKernelSupport

/// graphc's own single-threaded GEMM for products whose right operand is known before the run
/// (weights): C = A · B (+ C), with A row-major and read where it lies, B packed once into
/// panels of 16 columns (`pack`). No packing at run time: OpenBLAS packs both operands on
/// every call, which on ResNet's late layers (49 rows, 9.4 MB of weights) and on Winograd's
/// 36 small products per convolution costs as much as a fifth of the run.
///
/// The micro-kernel keeps up to 8 x 16 of C in registers (one SIMD16 accumulator per row: two
/// AVX2 registers or one AVX-512 register each) and for each k broadcasts a value of each row
/// of A against one row of the panel. The module is compiled for the host CPU (`-target-cpu
/// native`), so the products are fused multiply-adds at the widest width the machine has.
enum PanelGEMM {
    typealias Panel = SIMD16<Float>
    static let width = Panel.scalarCount

    /// Floats `pack` writes for a `[k, n]` matrix: whole panels, the last one zero-padded.
    static func packedCount(k: Int, n: Int) -> Int { (n + width - 1) / width * width * k }

    /// Writes B `[k, n]` (leading dimension ldb) as panels: panel p holds rows 0..<k of columns
    /// 16p..<16p+16, each row 16 contiguous floats.
    static func pack(_ b: UnsafePointer<Float>, k: Int, n: Int, ldb: Int, into out: UnsafeMutablePointer<Float>) {
        let panels = (n + width - 1) / width
        for p in 0..<panels {
            let c0 = p * width, count = min(width, n - c0)
            let panel = out + p * k * width
            for kk in 0..<k {
                let row = panel + kk * width
                row.update(from: b + kk * ldb + c0, count: count)
                if count < width { (row + count).update(repeating: 0, count: width - count) }
            }
        }
    }

    /// C[rows, columns] = A[rows, 0..<k] · B[0..<k, columns] (+ C when `accumulate`), for
    /// `columns` a range of whole panels' columns (its start a multiple of 16; its end a multiple
    /// of 16 or n), with `epilogue`'s residual, bias and clamp applied in registers as each block
    /// is stored: no pass over C before or after.
    ///
    /// Blocked as Goto's GEMM is, without packing A: k is cut into slices of `depth`; within a
    /// slice, `chunk` rows of A at a time (at most 144 KiB: L2) meet every panel's slice (24 KiB:
    /// L1), which serves all the chunk's row blocks. Each weight is read from memory once
    /// per chunk of rows, each activation once per slice. The slices depend on k alone, so every
    /// element sums its products in the same order however rows and columns are split.
    static func multiply(rows: Range<Int>, columns: Range<Int>, k: Int, a: UnsafePointer<Float>, lda: Int,
                         packed: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool,
                         epilogue: PanelEpilogue = PanelEpilogue()) {
        precondition(columns.lowerBound % width == 0)
        let panels = columns.lowerBound / width..<(columns.upperBound + width - 1) / width
        if rows.count <= chunk {
            // One chunk of rows: each panel whole, slice after slice, so the weights stream
            // through in memory order (panels lie end to end) and the prefetch runs straight
            // ahead of the reads. Same slices, same sums as below.
            for p in panels {
                let c0 = p * width, count = min(width, columns.upperBound - c0)
                var k0 = 0
                repeat {
                    let slice = min(depth, k - k0), panel = packed + (p * k + k0) * width
                    let ahead = p + 1 < panels.upperBound || k0 + slice < k ? panel + slice * width : panel
                    var r = rows.lowerBound
                    while r < rows.upperBound {
                        let rule = epilogue.rule(row: r, column: c0, c: c, ldc: ldc, continuing: accumulate || k0 > 0, last: k0 + slice == k)
                        r += rowBlock(rows.upperBound - r, k: slice, a: a + r * lda + k0, lda: lda, panel: panel, ahead: ahead, c: c + r * ldc + c0,
                                      ldc: ldc, count: count, rule: rule)
                    }
                    k0 += slice
                } while k0 < k
            }
            return
        }
        var k0 = 0
        repeat {
            let slice = min(depth, k - k0)
            var r0 = rows.lowerBound
            while r0 < rows.upperBound {
                let r1 = min(r0 + chunk, rows.upperBound)
                for p in panels {
                    let c0 = p * width, panel = packed + (p * k + k0) * width, count = min(width, columns.upperBound - c0)
                    // The next panel's slice, fetched while this one is multiplied from cache.
                    let ahead = p + 1 < panels.upperBound ? panel + k * width : panel
                    var r = r0
                    while r < r1 {
                        let rule = epilogue.rule(row: r, column: c0, c: c, ldc: ldc, continuing: accumulate || k0 > 0, last: k0 + slice == k)
                        let block = rowBlock(r1 - r, k: slice, a: a + r * lda + k0, lda: lda, panel: panel, ahead: ahead, c: c + r * ldc + c0, ldc: ldc,
                                             count: count, rule: rule)
                        r += block
                    }
                }
                r0 = r1
            }
            k0 += slice
        } while k0 < k
    }

    /// The slice of k multiplied at a time: a panel's slice is 24 KiB.
    static let depth = 384
    /// Rows of A multiplied by each panel slice before the next: 96 x 384 floats is 144 KiB.
    static let chunk = 96

    /// Rows of C a kernel keeps in registers at most: 8 SIMD16 accumulators when compiled for
    /// AVX-512's 32 registers; 6 (twelve of AVX2's sixteen ymm registers) otherwise.
    static let maximumRows = graphc_compiled_for_avx512f() != 0 ? 8 : 6

    /// Multiplies a block of the `available` rows, and returns how many rows that was. The rows
    /// are shared out evenly among the fewest blocks of at most `maximumRows` (49 rows are seven
    /// blocks of 7, not eight of 6 and a single row, whose lone accumulator waits on itself).
    @inline(__always)
    static func rowBlock(_ available: Int, k: Int, a: UnsafePointer<Float>, lda: Int, panel: UnsafePointer<Float>, ahead: UnsafePointer<Float>,
                         c: UnsafeMutablePointer<Float>, ldc: Int, count: Int, rule: StoreRule) -> Int {
        let blocks = (available + maximumRows - 1) / maximumRows
        let size = (available + blocks - 1) / blocks
        switch size {
        case 8: kernel(Rows8.self, k: k, a: a, lda: lda, panel: panel, ahead: ahead, c: c, ldc: ldc, count: count, rule: rule)
        case 7: kernel(Rows7.self, k: k, a: a, lda: lda, panel: panel, ahead: ahead, c: c, ldc: ldc, count: count, rule: rule)
        case 6: kernel(Rows6.self, k: k, a: a, lda: lda, panel: panel, ahead: ahead, c: c, ldc: ldc, count: count, rule: rule)
        case 5: kernel(Rows5.self, k: k, a: a, lda: lda, panel: panel, ahead: ahead, c: c, ldc: ldc, count: count, rule: rule)
        case 4: kernel(Rows4.self, k: k, a: a, lda: lda, panel: panel, ahead: ahead, c: c, ldc: ldc, count: count, rule: rule)
        case 3: kernel(Rows3.self, k: k, a: a, lda: lda, panel: panel, ahead: ahead, c: c, ldc: ldc, count: count, rule: rule)
        case 2: kernel(Rows2.self, k: k, a: a, lda: lda, panel: panel, ahead: ahead, c: c, ldc: ldc, count: count, rule: rule)
        default: kernel(Rows1.self, k: k, a: a, lda: lda, panel: panel, ahead: ahead, c: c, ldc: ldc, count: count, rule: rule)
        }
        return size
    }

    /// Stores one row of a block: its sums added to the row's old values (if the rule has
    /// any), then the bias and the clamp (after the last slice). The order of the additions is
    /// the order of the separate passes this replaced, so the values are the same (a ReLU of
    /// -0 now keeps its sign, which compares equal).
    @inline(__always)
    static func store(_ v: Panel, _ c: UnsafeMutablePointer<Float>, row i: Int, ldc: Int, rule: StoreRule, bias: Panel?, count: Int) {
        let target = c + i * ldc
        if count == width {
            var y = v
            if let old = rule.old { y = UnsafeRawPointer(old + i * ldc).loadUnaligned(as: Panel.self) + y }
            if let bias { y = y + bias }
            switch rule.clamp {
            case .none: break
            case .relu: y = y.replacing(with: 0, where: y .< 0)
            case .relu6: y = y.replacing(with: 0, where: y .< 0).replacing(with: 6, where: y .> 6)
            }
            UnsafeMutableRawPointer(target).storeBytes(of: y, as: Panel.self)
        } else {
            for j in 0..<count {
                var y = v[j]
                if let old = rule.old { y = old[i * ldc + j] + y }
                if let bias { y = y + bias[j] }
                switch rule.clamp {
                case .none: break
                case .relu: if y < 0 { y = 0 }
                case .relu6: if y < 0 { y = 0 } else if y > 6 { y = 6 }
                }
                target[j] = y
            }
        }
    }

    /// `R.rows` (1 to 8) rows of C against one panel, each row's 16 sums in one register. Each
    /// size is its own specialization, so the rows past it fold away and each is a straight-line
    /// loop (a plain `rows` argument lets the optimizer merge the calls into one with a variable
    /// count, and branch inside the loop). Each element sums its products in k order with one
    /// accumulator, so its value does not depend on which size computed it (nor so on how rows
    /// were split across threads). While it works from cache, it prefetches the panel
    /// `ahead`, one 64-byte row per k.
    @inline(__always)
    static func kernel<R: RowCount>(_: R.Type, k: Int, a: UnsafePointer<Float>, lda: Int, panel: UnsafePointer<Float>, ahead: UnsafePointer<Float>,
                       c: UnsafeMutablePointer<Float>, ldc: Int, count: Int, rule: StoreRule) {
        let rows = R.rows
        var c0 = Panel(), c1 = Panel(), c2 = Panel(), c3 = Panel(), c4 = Panel(), c5 = Panel(), c6 = Panel(), c7 = Panel()
        // Row pointers, not `a[i * lda + kk]`: the index arithmetic would be overflow-checked
        // on every product.
        let a1 = a + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda, a6 = a5 + lda, a7 = a6 + lda
        var b = UnsafeRawPointer(panel), next = UnsafeRawPointer(ahead)
        for kk in 0..<k {
            graphc_prefetch(next)
            let row = b.load(as: Panel.self)
            c0 = c0.addingProduct(Panel(repeating: a[kk]), row)
            if rows > 1 { c1 = c1.addingProduct(Panel(repeating: a1[kk]), row) }
            if rows > 2 { c2 = c2.addingProduct(Panel(repeating: a2[kk]), row) }
            if rows > 3 { c3 = c3.addingProduct(Panel(repeating: a3[kk]), row) }
            if rows > 4 { c4 = c4.addingProduct(Panel(repeating: a4[kk]), row) }
            if rows > 5 { c5 = c5.addingProduct(Panel(repeating: a5[kk]), row) }
            if rows > 6 { c6 = c6.addingProduct(Panel(repeating: a6[kk]), row) }
            if rows > 7 { c7 = c7.addingProduct(Panel(repeating: a7[kk]), row) }
            next += MemoryLayout<Panel>.stride
            b += MemoryLayout<Panel>.stride
        }
        var bias: Panel? = nil
        if let b = rule.bias {
            if count == width {
                bias = UnsafeRawPointer(b).loadUnaligned(as: Panel.self)
            } else {
                var v = Panel()
                for j in 0..<count { v[j] = b[j] }
                bias = v
            }
        }
        store(c0, c, row: 0, ldc: ldc, rule: rule, bias: bias, count: count)
        if rows > 1 { store(c1, c, row: 1, ldc: ldc, rule: rule, bias: bias, count: count) }
        if rows > 2 { store(c2, c, row: 2, ldc: ldc, rule: rule, bias: bias, count: count) }
        if rows > 3 { store(c3, c, row: 3, ldc: ldc, rule: rule, bias: bias, count: count) }
        if rows > 4 { store(c4, c, row: 4, ldc: ldc, rule: rule, bias: bias, count: count) }
        if rows > 5 { store(c5, c, row: 5, ldc: ldc, rule: rule, bias: bias, count: count) }
        if rows > 6 { store(c6, c, row: 6, ldc: ldc, rule: rule, bias: bias, count: count) }
        if rows > 7 { store(c7, c, row: 7, ldc: ldc, rule: rule, bias: bias, count: count) }
    }
}

/// What `PanelGEMM.multiply` applies to C as it stores it: a residual laid out as C (added to
/// the first slice's sums, where C's old values would be), a bias per column and a clamp (after
/// the last slice).
struct PanelEpilogue {
    /// At C's origin: element (r, j) is `residual[r * ldc + j]`.
    var residual: UnsafePointer<Float>? = nil
    /// Indexed by column.
    var bias: UnsafePointer<Float>? = nil
    var clamp = Clamp.none

    enum Clamp { case none, relu, relu6 }

    /// The rule for the block whose first element is (row, column) of C.
    @inline(__always)
    func rule(row: Int, column: Int, c: UnsafeMutablePointer<Float>, ldc: Int, continuing: Bool, last: Bool) -> StoreRule {
        let offset = row * ldc + column
        return StoreRule(old: continuing ? UnsafePointer(c + offset) : residual.map { $0 + offset },
                         bias: last ? bias.map { $0 + column } : nil, clamp: last ? clamp : .none)
    }
}

/// How one block's sums are stored: added to `old` (rows ldc apart; nil: to nothing), then
/// `bias` (at the block's first column) and the clamp.
struct StoreRule {
    var old: UnsafePointer<Float>?
    var bias: UnsafePointer<Float>?
    var clamp: PanelEpilogue.Clamp
}

/// A micro-kernel's row count as a type, so each count is a specialization of its own.
protocol RowCount { static var rows: Int { get } }
enum Rows1: RowCount { static var rows: Int { 1 } }
enum Rows2: RowCount { static var rows: Int { 2 } }
enum Rows3: RowCount { static var rows: Int { 3 } }
enum Rows4: RowCount { static var rows: Int { 4 } }
enum Rows5: RowCount { static var rows: Int { 5 } }
enum Rows6: RowCount { static var rows: Int { 6 } }
enum Rows7: RowCount { static var rows: Int { 7 } }
enum Rows8: RowCount { static var rows: Int { 8 } }

/// Weights packed into panels for one executor's steps, freed with them.
final class PackedWeights {
    let pointer: UnsafeMutablePointer<Float>

    /// `matrices` consecutive `[k, n]` matrices from `b`, each packed (`PanelGEMM.pack`) after the last.
    init(_ b: UnsafePointer<Float>, k: Int, n: Int, matrices: Int = 1) {
        let each = PanelGEMM.packedCount(k: k, n: n)
        pointer = UnsafeMutableRawPointer.allocate(byteCount: max(1, each * matrices) * 4, alignment: 64).assumingMemoryBound(to: Float.self)
        for i in 0..<matrices { PanelGEMM.pack(b + i * k * n, k: k, n: n, ldb: n, into: pointer + i * each) }
    }

    deinit { pointer.deallocate() }
}
