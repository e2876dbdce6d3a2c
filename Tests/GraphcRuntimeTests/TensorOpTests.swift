import Foundation
import GraphcFrontend
import GraphcIR
import GraphcTestSupport
import Testing
@testable import GraphcRuntime

/// The tensor ops written with TF's functions and Python operators (per-channel
/// normalisation with constants, transposes, get_variable), run through the DSL and checked
/// against loops written here.
@Suite struct TensorOpTests {
    func run(_ source: String, feeds: [String: HostTensor], weights: [String: [Float]] = [:]) throws -> (Graph, [HostTensor]) {
        let g = try GraphFile.evaluate(source: source, path: "ops.graph", options: .quiet).graph
        let store = WeightStore.zeros(for: g)
        for (name, values) in weights { _ = store.add(name, values) }
        let fast = try execute(g, weights: store, feeds: feeds)
        let reference = try execute(g, weights: store, feeds: feeds, reference: true)
        for (a, b) in zip(fast, reference) { #expect(Tensors.relativeError(a, b) <= 1e-6) }
        return (g, fast)
    }

    @Test func perChannelNormalisationWithConstantsAndOperators() throws {
        let x = Tensors.uniform([2, 3, 4, 3], seed: 4, name: "x")
        let (g, out) = try run("""
        x = placeholder(float32, [2, 3, 4, 3], name='x')
        mean = tf.constant([0.485, 0.456, 0.406])
        std = tf.constant([[0.229, 0.224, 0.225]])
        output(-((x * 255 - mean) / std) + 1)
        """, feeds: ["x": x])
        // TF1's names: the operators' ops and their number operands' constants.
        #expect(g.nodes.map(\.name).filter { !$0.hasSuffix("/y") && !$0.hasSuffix("/x") }
                == ["x", "Const", "Const_1", "mul", "sub", "truediv", "Neg", "add"])
        let mean: [Float] = [0.485, 0.456, 0.406], std: [Float] = [0.229, 0.224, 0.225]
        let expected = x.data.enumerated().map { i, v in -((v * 255 - mean[i % 3]) / std[i % 3]) + 1 }
        #expect(Tensors.relativeError(out[0], HostTensor(shape: x.shape, data: expected)) <= 1e-6)
    }

    @Test func transposeMovesEveryElementWherePermSays() throws {
        let x = Tensors.uniform([2, 3, 4, 5], seed: 5, name: "x")
        let (g, out) = try run("""
        x = placeholder(float32, [2, 3, 4, 5], name='x')
        output(tf.transpose(x, [0, 3, 1, 2]))
        output(tf.transpose(x))
        """, feeds: ["x": x])
        #expect(g.nodes.map(\.name) == ["x", "transpose", "transpose_1"])
        #expect(out[0].shape == [2, 5, 3, 4] && out[1].shape == [5, 4, 3, 2])
        for n in 0..<2 { for h in 0..<3 { for w in 0..<4 { for c in 0..<5 {
            let v = x.data[((n * 3 + h) * 4 + w) * 5 + c]
            #expect(out[0].data[((n * 5 + c) * 3 + h) * 4 + w] == v)
            #expect(out[1].data[((c * 4 + w) * 3 + h) * 2 + n] == v)
        } } } }
    }

    @Test func getVariableTakesItsValuesFromTheWeights() throws {
        let x = Tensors.uniform([2, 4], seed: 6, name: "x")
        let (g, out) = try run("""
        x = placeholder(float32, [2, 4], name='x')
        with variable_scope('norm'):
            scale = tf.get_variable('scale', [4])
        output(tf.maximum(x * scale, tf.minimum(x, 0.25)))
        """, feeds: ["x": x], weights: ["norm/scale": [1, -1, 2, 0.5]])
        #expect(g.variables.map(\.name) == ["norm/scale"])
        let scale: [Float] = [1, -1, 2, 0.5]
        let expected = x.data.enumerated().map { i, v in max(v * scale[i % 4], min(v, 0.25)) }
        #expect(out[0].data == expected)
    }
}
