import Foundation
import GraphcCompiler
import GraphcFrontend
import GraphcIR
import GraphcTestSupport
import Testing
@testable import GraphcRuntime

/// The parametric activations end to end: the DSL builtin with TF's op name, the printed
/// attributes, and the values of the fast kernel, the reference kernel and the fused epilogue,
/// each against the formula written out here.
@Suite struct ActivationTests {
    /// `x` of shape [2, 3, 3, 4] through `expression`, evaluated as a graph file.
    func graph(_ expression: String) throws -> Graph {
        try GraphFile.evaluate(source: """
        x = placeholder(float32, [2, 3, 3, 4], name='x')
        output(\(expression))
        """, path: "activation.graph", options: .quiet).graph
    }

    /// The graph's output for a seeded input spanning [-3, 3), on the fast kernels (optimized
    /// and not) and on the reference kernels, and that input.
    func outputs(_ g: Graph) throws -> (runs: [HostTensor], input: HostTensor) {
        let input = Tensors.uniform([2, 3, 3, 4], seed: 9, name: "x", low: -3, high: 3)
        let weights = WeightStore.initialize(g, seed: 1)
        let runs = try [(true, false), (false, false), (false, true)].map { optimize, reference in
            try execute(g, weights: weights, feeds: ["x": input], optimize: optimize, reference: reference)[0]
        }
        return (runs, input)
    }

    @Test func leakyReluIsTFsLeakyRelu() throws {
        let g = try graph("tf.nn.leaky_relu(x, alpha=0.1)")
        let node = try #require(g.nodes.last)
        #expect(node.name == "LeakyRelu")
        #expect(IRPrinter.line(node, locations: false) == "%1 = LeakyRelu(%0) {alpha=0.1} : (2, 3, 3, 4) \"LeakyRelu\"")
        #expect(try graph("leaky_relu(x)").nodes.last?.op == .activation(.leakyRelu(alpha: 0.2)))
        let (runs, input) = try outputs(g)
        let expected = HostTensor(shape: input.shape, data: input.data.map { $0 > 0 ? $0 : 0.1 * $0 })
        for run in runs { #expect(Tensors.relativeError(run, expected) <= 1e-6) }
    }

    @Test func leakyReluFusesIntoTheConvolutionBeforeIt() throws {
        let g = try graph("conv2d(x, 5, 3, activation_fn=lambda t: leaky_relu(t, alpha=0.3), scope='c')")
        let model = try Compiler.compile(g, weights: WeightStore.initialize(g, seed: 1), source: "t")
        #expect(model.graph.nodes.contains { $0.op.epilogue?.activation == .leakyRelu(alpha: 0.3) })
        #expect(IRPrinter.print(model.graph, locations: false).contains("activation=leaky_relu(alpha=0.3)"))
        let (runs, _) = try outputs(g)
        // Fused (optimized), separate and reference all agree; the conv itself is checked elsewhere.
        #expect(Tensors.relativeError(runs[0], runs[2]) <= 1e-5)
        #expect(Tensors.relativeError(runs[1], runs[2]) <= 1e-5)
        #expect(runs[2].data.contains { $0 < 0 })
    }

    @Test func eluIsTFsElu() throws {
        let g = try graph("tf.nn.elu(x)")
        let node = try #require(g.nodes.last)
        #expect(node.name == "Elu")
        #expect(IRPrinter.line(node, locations: false) == "%1 = Elu(%0) : (2, 3, 3, 4) \"Elu\"")
        let (runs, input) = try outputs(g)
        let expected = HostTensor(shape: input.shape, data: input.data.map { $0 > 0 ? $0 : Float(exp(Double($0)) - 1) })
        for run in runs { #expect(Tensors.relativeError(run, expected) <= 1e-6) }
    }

    @Test func eluTakesAnAlphaAndFuses() throws {
        let g = try graph("conv2d(x, 5, 3, activation_fn=lambda t: elu(t, alpha=0.5), scope='c')")
        let model = try Compiler.compile(g, weights: WeightStore.initialize(g, seed: 1), source: "t")
        #expect(IRPrinter.print(model.graph, locations: false).contains("activation=elu(alpha=0.5)"))
        let (runs, _) = try outputs(g)
        #expect(Tensors.relativeError(runs[0], runs[2]) <= 1e-5)
        // The smallest value elu with alpha 0.5 can give is -0.5.
        #expect(runs[2].data.min()! > -0.5 && runs[2].data.contains { $0 < -0.01 })
    }

    /// The activations MobileNetV3, EfficientNet and transformers use, against their
    /// definitions written here in double precision (PyTorch's Hardswish, Hardsigmoid, SiLU, GELU).
    @Test(arguments: [
        ("hard_swish(x)", "HardSwish"), ("hard_sigmoid(x, alpha=1/6)", "HardSigmoid"), ("hard_sigmoid(x)", "HardSigmoid"),
        ("tf.nn.swish(x)", "Swish"), ("tf.nn.silu(x)", "Swish"), ("tf.nn.gelu(x)", "Gelu"), ("tf.nn.gelu(x, approximate=True)", "Gelu"),
        ("-x", "Neg"), ("tf.negative(x)", "Neg"),
    ])
    func activationsOfTodaysNetworksFollowTheirDefinitions(_ expression: String, _ typeName: String) throws {
        let formulas: [String: (Double) -> Double] = [
            "hard_swish(x)": { x in x * min(max(x + 3, 0), 6) / 6 },
            "hard_sigmoid(x, alpha=1/6)": { x in min(max(x / 6 + 0.5, 0), 1) },
            "hard_sigmoid(x)": { x in min(max(0.2 * x + 0.5, 0), 1) },
            "tf.nn.swish(x)": { x in x / (1 + exp(-x)) },
            "tf.nn.silu(x)": { x in x / (1 + exp(-x)) },
            "tf.nn.gelu(x)": { x in 0.5 * x * (1 + erf(x / sqrt(2))) },
            "tf.nn.gelu(x, approximate=True)": { x in 0.5 * x * (1 + tanh(sqrt(2 / Double.pi) * (x + 0.044715 * x * x * x))) },
            "-x": { x in -x }, "tf.negative(x)": { x in -x },
        ]
        let g = try graph(expression)
        #expect(g.nodes.last?.op.typeName == typeName)
        let (runs, input) = try outputs(g)
        let f = try #require(formulas[expression])
        let expected = HostTensor(shape: input.shape, data: input.data.map { Float(f(Double($0))) })
        for run in runs { #expect(Tensors.relativeError(run, expected) <= 1e-6, "\(expression)") }
        // Each also fuses into a convolution and still agrees with the reference kernels.
        guard expression.hasPrefix("-") == false, expression.hasPrefix("tf.negative") == false else { return }
        let call = expression.replacingOccurrences(of: "(x", with: "(t")
        let fused = try self.graph("conv2d(x, 5, 3, activation_fn=lambda t: \(call), scope='c')")
        let fusedRuns = try outputs(fused).runs
        #expect(Tensors.relativeError(fusedRuns[0], fusedRuns[2]) <= 1e-5, "\(expression) fused")
    }

    /// The vectorized exp behind sigmoid and swish, against double precision over the whole
    /// float range, and at the edges: NaN stays NaN, infinities saturate.
    @Test func vectorizedSigmoidAndSwishMatchDoublePrecisionEverywhere() {
        var x: [Float] = stride(from: -120.0, through: 120.0, by: 0.01).map { Float($0) }
        x += [.nan, .infinity, -.infinity, 88.5, -88.5, 1e-30, -1e-30, 0]
        for f in [Activation.sigmoid, .swish] {
            var y = [Float](repeating: 0, count: x.count)
            x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { yp in
                ElementwiseKernel.apply(f, xp.baseAddress!, yp.baseAddress!, count: x.count)
            } }
            for (v, got) in zip(x, y) {
                let d = Double(v)
                let expected = f == .sigmoid ? 1 / (1 + Foundation.exp(-d)) : d / (1 + Foundation.exp(-d))
                if v.isNaN { #expect(got.isNaN); continue }
                if v.isInfinite {
                    if f == .sigmoid { #expect(abs(Double(got) - (v > 0 ? 1 : 0)) < 1e-30) }
                    continue
                }
                // Relative to the value, or absolutely below 1e-35 (e^x is clamped under e^-87).
                #expect(abs(Double(got) - expected) <= 3e-7 * abs(expected) + 1e-35, "\(f) at \(v): \(got) vs \(expected)")
            }
        }
    }
}
