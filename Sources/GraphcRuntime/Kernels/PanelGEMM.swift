import CPrefetch

/// graphc's own single-threaded GEMM for products whose right operand is known before the run
/// (weights): C = A · B (+ C), with A row-major and read where it lies, B packed once into
/// panels of 16 columns (`pack`). No packing at run time: OpenBLAS packs both operands on
/// every call, which on ResNet's late layers (49 rows, 9.4 MB of weights) and on Winograd's
/// 36 small products per convolution costs as much as a fifth of the run.
///
/// The micro-kernel keeps a 6 x 16 block of C in registers (six SIMD16 accumulators: twelve
/// AVX2 registers, or six AVX-512 ones) and for each k broadcasts six values of A against one
/// row of the panel. The module is compiled for the host CPU (`-target-cpu native`), so the
/// products are fused multiply-adds at the widest width the machine has.
enum PanelGEMM {
    typealias Panel = SIMD16<Float>
    static let width = Panel.scalarCount
    static let rows = 6

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
    /// of 16 or n).
    ///
    /// Blocked as Goto's GEMM is, without packing A: k is cut into slices of `depth`; within a
    /// slice, `chunk` rows of A at a time (at most 144 KiB: L2) meet every panel's slice (24 KiB:
    /// L1), which serves all the chunk's six-row blocks. Each weight is read from memory once
    /// per chunk of rows, each activation once per slice. The slices depend on k alone, so every
    /// element sums its products in the same order however rows and columns are split.
    static func multiply(rows: Range<Int>, columns: Range<Int>, k: Int, a: UnsafePointer<Float>, lda: Int,
                         packed: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        precondition(columns.lowerBound % width == 0)
        let panels = columns.lowerBound / width..<(columns.upperBound + width - 1) / width
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
                        let block = rowBlock(r1 - r, k: slice, a: a + r * lda + k0, lda: lda, panel: panel, ahead: ahead, c: c + r * ldc + c0, ldc: ldc,
                                             count: count, accumulate: accumulate || k0 > 0)
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

    /// Multiplies the largest block of rows a kernel has (6, 4, 2 or 1) of the `available`
    /// rows, and returns how many that was.
    @inline(__always)
    static func rowBlock(_ available: Int, k: Int, a: UnsafePointer<Float>, lda: Int, panel: UnsafePointer<Float>, ahead: UnsafePointer<Float>,
                         c: UnsafeMutablePointer<Float>,
                         ldc: Int, count: Int, accumulate: Bool) -> Int {
        if available >= 6 {
            kernel6(k: k, a: a, lda: lda, panel: panel, ahead: ahead, c: c, ldc: ldc, count: count, accumulate: accumulate)
            return 6
        }
        if available >= 4 {
            kernel4(k: k, a: a, lda: lda, panel: panel, ahead: ahead, c: c, ldc: ldc, count: count, accumulate: accumulate)
            return 4
        }
        if available >= 2 {
            kernel2(k: k, a: a, lda: lda, panel: panel, ahead: ahead, c: c, ldc: ldc, count: count, accumulate: accumulate)
            return 2
        }
        kernel1(k: k, a: a, panel: panel, ahead: ahead, c: c, count: count, accumulate: accumulate)
        return 1
    }

    @inline(__always)
    static func store(_ v: Panel, _ c: UnsafeMutablePointer<Float>, count: Int, accumulate: Bool) {
        if count == width {
            let old = accumulate ? UnsafeRawPointer(c).loadUnaligned(as: Panel.self) : Panel()
            UnsafeMutableRawPointer(c).storeBytes(of: old + v, as: Panel.self)
        } else {
            for j in 0..<count { c[j] = (accumulate ? c[j] : 0) + v[j] }
        }
    }

    /// Six rows of C against one panel. Every kernel sums each element's products in k order
    /// with one accumulator, so an element's value does not depend on which kernel computed it.
    @inline(__always)
    static func kernel6(k: Int, a: UnsafePointer<Float>, lda: Int, panel: UnsafePointer<Float>, ahead: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int,
                        count: Int, accumulate: Bool) {
        var c0 = Panel(), c1 = Panel(), c2 = Panel(), c3 = Panel(), c4 = Panel(), c5 = Panel()
        let a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda, a4 = a + 4 * lda, a5 = a + 5 * lda
        var b = UnsafeRawPointer(panel)
        for kk in 0..<k {
            graphc_prefetch(ahead + kk * width)
            let row = b.load(as: Panel.self)
            c0 = c0.addingProduct(Panel(repeating: a0[kk]), row)
            c1 = c1.addingProduct(Panel(repeating: a1[kk]), row)
            c2 = c2.addingProduct(Panel(repeating: a2[kk]), row)
            c3 = c3.addingProduct(Panel(repeating: a3[kk]), row)
            c4 = c4.addingProduct(Panel(repeating: a4[kk]), row)
            c5 = c5.addingProduct(Panel(repeating: a5[kk]), row)
            b += MemoryLayout<Panel>.stride
        }
        store(c0, c, count: count, accumulate: accumulate)
        store(c1, c + ldc, count: count, accumulate: accumulate)
        store(c2, c + 2 * ldc, count: count, accumulate: accumulate)
        store(c3, c + 3 * ldc, count: count, accumulate: accumulate)
        store(c4, c + 4 * ldc, count: count, accumulate: accumulate)
        store(c5, c + 5 * ldc, count: count, accumulate: accumulate)
    }

    /// Four rows of C against one panel.
    @inline(__always)
    static func kernel4(k: Int, a: UnsafePointer<Float>, lda: Int, panel: UnsafePointer<Float>, ahead: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int,
                        count: Int, accumulate: Bool) {
        var c0 = Panel(), c1 = Panel(), c2 = Panel(), c3 = Panel()
        let a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda
        var b = UnsafeRawPointer(panel)
        for kk in 0..<k {
            graphc_prefetch(ahead + kk * width)
            let row = b.load(as: Panel.self)
            c0 = c0.addingProduct(Panel(repeating: a0[kk]), row)
            c1 = c1.addingProduct(Panel(repeating: a1[kk]), row)
            c2 = c2.addingProduct(Panel(repeating: a2[kk]), row)
            c3 = c3.addingProduct(Panel(repeating: a3[kk]), row)
            b += MemoryLayout<Panel>.stride
        }
        store(c0, c, count: count, accumulate: accumulate)
        store(c1, c + ldc, count: count, accumulate: accumulate)
        store(c2, c + 2 * ldc, count: count, accumulate: accumulate)
        store(c3, c + 3 * ldc, count: count, accumulate: accumulate)
    }

    /// Two rows of C against one panel.
    @inline(__always)
    static func kernel2(k: Int, a: UnsafePointer<Float>, lda: Int, panel: UnsafePointer<Float>, ahead: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int,
                        count: Int, accumulate: Bool) {
        var c0 = Panel(), c1 = Panel()
        let a0 = a, a1 = a + lda
        var b = UnsafeRawPointer(panel)
        for kk in 0..<k {
            graphc_prefetch(ahead + kk * width)
            let row = b.load(as: Panel.self)
            c0 = c0.addingProduct(Panel(repeating: a0[kk]), row)
            c1 = c1.addingProduct(Panel(repeating: a1[kk]), row)
            b += MemoryLayout<Panel>.stride
        }
        store(c0, c, count: count, accumulate: accumulate)
        store(c1, c + ldc, count: count, accumulate: accumulate)
    }

    /// One row of C against one panel (the rows left over after blocks of six), summing in
    /// exactly `kernel6`'s order, so a row's result does not depend on which kernel computed it
    /// (and so not on how rows were split across threads).
    @inline(__always)
    static func kernel1(k: Int, a: UnsafePointer<Float>, panel: UnsafePointer<Float>, ahead: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, count: Int, accumulate: Bool) {
        var c0 = Panel()
        var b = UnsafeRawPointer(panel)
        for kk in 0..<k {
            graphc_prefetch(ahead + kk * width)
            c0 = c0.addingProduct(Panel(repeating: a[kk]), b.load(as: Panel.self))
            b += MemoryLayout<Panel>.stride
        }
        store(c0, c, count: count, accumulate: accumulate)
    }
}

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
