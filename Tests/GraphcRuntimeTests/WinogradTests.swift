import GraphcCompiler
import GraphcIR
import GraphcPasses
import GraphcTestSupport
import Testing
@testable import GraphcRuntime

/// The Winograd F(4x4, 3x3) and F(2x2, 3x3) kernels against the direct nested-loop convolution: output sizes
/// that are not multiples of 4, every padding, channel counts that are not multiples of 8,
/// batch > 1, fused epilogues, several tile blocks and thread counts. Tolerance: 1e-5 of the
/// largest output (the transforms add rounding in float32, nothing else).
@Suite struct WinogradTests {
    static let cases: [(input: [Int], cout: Int, padding: Padding)] = [
        ([1, 14, 14, 8], 8, .same),
        ([2, 17, 15, 5], 6, .same),
        ([1, 16, 18, 13], 17, .valid),
        ([1, 19, 21, 9], 16, .explicit(top: 0, bottom: 2, left: 1, right: 1)),
        ([3, 14, 15, 32], 24, .explicit(top: 1, bottom: 1, left: 1, right: 1)),
        // F(2x2, 3x3): outputs from 6x6 to below 14x14.
        ([2, 7, 7, 16], 32, .same),
        ([1, 9, 11, 5], 6, .explicit(top: 0, bottom: 2, left: 1, right: 1)),
        ([1, 8, 8, 13], 17, .valid),
    ]

    /// conv 3x3 (with bias) + shortcut -> relu, or the bare convolution, fed seeded inputs.
    func graph(_ c: (input: [Int], cout: Int, padding: Padding), epilogue: Bool) throws -> (Graph, WeightStore, [String: HostTensor]) {
        let b = GraphBuilder()
        let x = try b.placeholder(name: "x", shape: TensorShape(c.input.map { $0 }))
        let y = try b.conv2d(x, numOutputs: c.cout, kernel: (3, 3), padding: c.padding, biases: epilogue, scope: "conv")
        if epilogue {
            let shortcut = try b.placeholder(name: "shortcut", shape: b.graph[y].shape)
            b.markOutput(try b.add(.relu, [try b.add(.add, [y, shortcut], name: "add")], name: "Relu"))
        } else {
            b.markOutput(y)
        }
        var feeds: [String: HostTensor] = [:]
        for p in b.graph.placeholders { feeds[p.name] = Tensors.uniform(p.shape.dims.map { $0! }, seed: 5, name: p.name) }
        return (b.graph, WeightStore.initialize(b.graph, seed: 11), feeds)
    }

    /// Compiled with exactly `passes` (the lowerings always run).
    func run(_ g: (Graph, WeightStore, [String: HostTensor]), passes: [String], reference: Bool = false, threads: Int = 2) throws -> HostTensor {
        var options = CompileOptions()
        options.pipeline.only = passes
        options.reuse = !reference
        options.inputShapes = g.2.mapValues(\.shape)
        let model = try Compiler.compile(g.0, weights: g.1, source: "test", options: options)
        #expect(model.graph.nodes.contains { if case let .conv2d(a) = $0.op { return a.algorithm != nil } else { return false } } == passes.contains("UseWinograd"))
        return try Executor(model: model, options: RunOptions(threads: threads, reference: reference)).run(g.2)[0]
    }

    func relativeError(_ a: HostTensor, _ b: HostTensor) -> Float {
        #expect(a.shape == b.shape)
        let scale = max(b.data.map(abs).max() ?? 0, 1e-6)
        return zip(a.data, b.data).map { abs($0 - $1) }.max()! / scale
    }

    static let fused = ["FuseConvActivation", "FuseResidualAdd"]

    @Test(arguments: cases.indices, [false, true])
    func fastKernelMatchesTheDirectConvolution(_ i: Int, _ epilogue: Bool) throws {
        let g = try graph(Self.cases[i], epilogue: epilogue)
        let direct = try run(g, passes: [], reference: true)
        for threads in [1, 3] {
            let winograd = try run(g, passes: Self.fused + ["UseWinograd"], threads: threads)
            #expect(relativeError(winograd, direct) <= 1e-5, "case \(Self.cases[i]), \(threads) threads")
        }
    }

    @Test(arguments: cases.indices)
    func referenceKernelMatchesTheDirectConvolution(_ i: Int) throws {
        let g = try graph(Self.cases[i], epilogue: true)
        let direct = try run(g, passes: [], reference: true)
        let winograd = try run(g, passes: Self.fused + ["UseWinograd"], reference: true)
        #expect(relativeError(winograd, direct) <= 1e-5)
    }

    @Test func largeConvolutionsRunInSeveralTileBlocks() throws {
        // 32x32 tiles of 36 x (32 + 32) transformed values each: more than one scratch block.
        let c: (input: [Int], cout: Int, padding: Padding) = ([1, 128, 128, 32], 32, .same)
        #expect(1024 * 36 * 64 > KernelScratch.maxTileElements)
        let g = try graph(c, epilogue: true)
        let direct = try run(g, passes: Self.fused)
        let winograd = try run(g, passes: Self.fused + ["UseWinograd"])
        #expect(relativeError(winograd, direct) <= 1e-5)
    }
}
