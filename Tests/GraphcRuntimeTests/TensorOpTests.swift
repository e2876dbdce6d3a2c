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

/// Slicing, splitting, stacking, reductions, slim's normalizations and mirror padding, each
/// against a loop written here (and the reference kernels, in `run`).
@Suite struct SelectionOpTests {
    let x = Tensors.uniform([2, 4, 3, 6], seed: 12, name: "x", low: -2, high: 2)
    func at(_ n: Int, _ h: Int, _ w: Int, _ c: Int) -> Float { x.data[((n * 4 + h) * 3 + w) * 6 + c] }

    func run(_ body: String) throws -> [HostTensor] {
        try TensorOpTests().run("x = placeholder(float32, [2, 4, 3, 6], name='x')\n" + body, feeds: ["x": x]).1
    }

    @Test func slicesSplitsAndStacksMoveTheRightElements() throws {
        let out = try run("""
        output(x[:, 1::2, -2:, 3])
        output(tf.split(x, [2, 4], axis=3)[1])
        output(tf.stack([x[0], x[1]], axis=3))
        output(tf.slice(x, [1, 0, 1, 2], [1, -1, 2, 3]))
        """)
        #expect(out[0].shape == [2, 2, 2])
        for n in 0..<2 { for i in 0..<2 { for j in 0..<2 { #expect(out[0].data[(n * 2 + i) * 2 + j] == at(n, 1 + 2 * i, 1 + j, 3)) } } }
        #expect(out[1].shape == [2, 4, 3, 4] && out[1].data[4 * 3 * 4 + 5] == at(1, 0, 1, 3))
        #expect(out[2].shape == [4, 3, 6, 2] && out[2].data[((1 * 3 + 2) * 6 + 4) * 2 + 1] == at(1, 1, 2, 4))
        #expect(out[3].shape == [1, 4, 2, 3] && out[3].data[(2 * 2 + 1) * 3 + 2] == at(1, 2, 2, 4))
    }

    @Test func tfDepthwiseConv2dMultipliesEachChannelByItsOwnFilters() throws {
        let g = try GraphFile.evaluate(source: """
        x = placeholder(float32, [2, 4, 3, 6], name='x')
        w = tf.get_variable('w', [3, 3, 6, 2])
        output(tf.nn.depthwise_conv2d(x, w, [1, 1, 1, 1], 'SAME'))
        """, path: "dw.graph", options: .quiet).graph
        #expect(g.nodes.last?.name == "depthwise" && g.nodes.last?.op.typeName == "DepthwiseConv2dNative")
        let weights = WeightStore.initialize(g, seed: 2)
        let w = weights.values("w", count: 108)!
        let y = try execute(g, weights: weights, feeds: ["x": x])[0]
        #expect(y.shape == [2, 4, 3, 12])
        // Output channel c * 2 + m at (n, h, w): sum over the 3x3 window (SAME: one pixel of zeros) of x[.., c] * w[ky, kx, c, m].
        for (n, h, wx, c, m) in [(0, 0, 0, 0, 0), (1, 2, 1, 5, 1), (1, 3, 2, 3, 0)] {
            var sum: Float = 0
            for ky in 0..<3 { for kx in 0..<3 {
                let iy = h + ky - 1, ix = wx + kx - 1
                if iy >= 0, iy < 4, ix >= 0, ix < 3 { sum += at(n, iy, ix, c) * w[((ky * 3 + kx) * 6 + c) * 2 + m] }
            } }
            #expect(abs(y.data[((n * 4 + h) * 3 + wx) * 12 + c * 2 + m] - sum) <= 1e-5)
        }
    }

    @Test func indicesOutOfRangeAreErrors() {
        #expect(throws: Error.self) { _ = try run("output(x[:, -10])") }
        #expect(throws: Error.self) { _ = try run("output(x[0:1:9223372036854775807, 9223372036854775807])") }
        #expect(throws: ShapeError("axis 0 is indexed by an integer, so its slice must keep one element, not 2")) {
            _ = try ShapeInference.infer(.slice(SliceAttributes(begin: [0], end: [2], strides: [1], shrinkAxes: [0])), inputs: [TensorShape([4])])
        }
    }

    @Test func reductionsAndGlobalMaxPooling() throws {
        let out = try run("""
        output(tf.reduce_sum(x, [1, 2]))
        output(tf.reduce_min(x, axis=-1, keepdims=True))
        output(global_max_pool2d(x))
        """)
        for n in 0..<2 { for c in 0..<6 {
            var sum: Float = 0, top = -Float.infinity
            for h in 0..<4 { for w in 0..<3 { sum += at(n, h, w, c); top = max(top, at(n, h, w, c)) } }
            #expect(abs(out[0].data[n * 6 + c] - sum) <= 1e-5)
            #expect(out[2].data[n * 6 + c] == top)
        } }
        #expect(out[1].shape == [2, 4, 3, 1] && out[1].data[5] == (0..<6).map { at(0, 1, 2, $0) }.min()!)
    }

    @Test func normalizationsMakeGroupsMeanZeroVarianceOne() throws {
        // gamma and beta from seeded weights; checked against the definition per group.
        let g = try GraphFile.evaluate(source: """
        x = placeholder(float32, [2, 4, 3, 6], name='x')
        output(slim.group_norm(x, groups=3, scope='gn'))
        output(slim.layer_norm(x, begin_norm_axis=-1, scope='ln'))
        """, path: "norm.graph", options: .quiet).graph
        let weights = WeightStore.initialize(g, seed: 4)
        let out = try execute(g, weights: weights, feeds: ["x": x])
        func check(_ y: HostTensor, scope: String, groupsOf: Int, lastAxisOnly: Bool) {
            let gamma = weights.values("\(scope)/gamma", count: 6)!, beta = weights.values("\(scope)/beta", count: 6)!
            let sets: [[Int]] = lastAxisOnly
                ? (0..<24).flatMap { p in stride(from: 0, to: 6, by: groupsOf).map { g0 in (g0..<g0 + groupsOf).map { p * 6 + $0 } } }
                : (0..<2).flatMap { n in stride(from: 0, to: 6, by: groupsOf).map { g0 in (0..<12).flatMap { p in (g0..<g0 + groupsOf).map { (n * 12 + p) * 6 + $0 } } } }
            for members in sets {
                let values = members.map { Double(x.data[$0]) }
                let mean = values.reduce(0, +) / Double(values.count)
                let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
                let epsilon = lastAxisOnly ? 1e-12 : 1e-6
                for i in members {
                    let expected = (Double(x.data[i]) - mean) / (variance + epsilon).squareRoot() * Double(gamma[i % 6]) + Double(beta[i % 6])
                    #expect(abs(Double(y.data[i]) - expected) <= 1e-4, "\(scope) \(i)")
                }
            }
        }
        check(out[0], scope: "gn", groupsOf: 2, lastAxisOnly: false)
        check(out[1], scope: "ln", groupsOf: 6, lastAxisOnly: true)
    }

    @Test func reflectAndSymmetricPaddingMirrorAtTheEdge() throws {
        let out = try run("""
        output(tf.pad(x, [[0, 0], [2, 1], [0, 0], [0, 0]], mode='REFLECT'))
        output(tf.pad(x, [[0, 0], [0, 0], [1, 2], [0, 0]], mode='SYMMETRIC'))
        """)
        // REFLECT rows: 2 1 | 0 1 2 3 | 2; SYMMETRIC columns: 0 | 0 1 2 | 2 1.
        let rows = [2, 1, 0, 1, 2, 3, 2], columns = [0, 0, 1, 2, 2, 1]
        for (i, h) in rows.enumerated() { #expect(out[0].data[(i * 3 + 1) * 6 + 2] == at(0, h, 1, 2)) }
        for (j, w) in columns.enumerated() { #expect(out[1].data[((1 * 4 + 3) * 6 + j) * 6 + 5] == at(1, 3, w, 5)) }
        #expect(throws: Error.self) { _ = try run("output(tf.pad(x, [[0, 0], [4, 0], [0, 0], [0, 0]], mode='REFLECT'))") }
    }
}
