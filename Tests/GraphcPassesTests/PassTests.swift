import GraphcIR
import Testing
@testable import GraphcPasses

/// Each pass on small graphs: what it rewrites, and what it must leave alone.
@Suite struct PassTests {
    // MARK: FoldBatchNorm

    @Test func foldsBatchNormIntoTheConvolutionBeforeIt() throws {
        var p = try program("""
        x = placeholder(float32, [1, 4, 4, 2])
        y = batch_norm(conv2d(x, 3, 3, activation_fn=None, scope='c'), scale=True, epsilon=0.01, scope='bn')
        output(relu(y))
        """)
        try run("FoldBatchNorm", on: &p)
        #expect(ops(p.graph) == ["Conv2D[bias]", "Relu"])
        // w' = w * gamma / sqrt(var + eps); b' = (b - mean) * inv + beta, checked for channel 1.
        let values = { (name: String, n: Int) in p.weights.values(name, count: n)! }
        let w = values("c/weights", 18), b = values("c/biases", 3)
        let gamma = values("bn/gamma", 3), beta = values("bn/beta", 3), mean = values("bn/moving_mean", 3), variance = values("bn/moving_variance", 3)
        let folded = values("c/weights_folded", 18), bias = values("c/biases_folded", 3)
        let inv = gamma[1] / (variance[1] + 0.01).squareRoot()
        #expect(abs(folded[4] - w[4] * inv) < 1e-6)           // index 4 is output channel 1
        #expect(abs(bias[1] - ((b[1] - mean[1]) * inv + beta[1])) < 1e-6)
    }

    @Test func foldsIntoFullyConnectedAndGivesABiaslessConvOne() throws {
        var p = try program("""
        x = placeholder(float32, [2, 6])
        h = batch_norm(fully_connected(x, 4, activation_fn=None, biases_initializer=None, scope='fc'))
        output(h)
        """)
        // The batch norm is the result: the folded matmul takes its name.
        try run("FoldBatchNorm", on: &p)
        #expect(ops(p.graph) == ["MatMul[bias]"])
        #expect(p.graph[p.graph.outputs[0]].name == "BatchNorm/FusedBatchNormV3")
        var q = try program("""
        x = placeholder(float32, [2, 6])
        output(relu(batch_norm(fully_connected(x, 4, activation_fn=None, biases_initializer=None, scope='fc'))))
        """)
        try run("FoldBatchNorm", on: &q)
        #expect(ops(q.graph) == ["MatMul[bias]", "Relu"])
    }

    @Test func aBatchNormThatCannotFoldBecomesScaleShiftWithItsRelu() throws {
        // Pre-activation: the batch norm reads the block input, which the shortcut reads too.
        var p = try program("""
        x = placeholder(float32, [1, 4, 4, 8])
        preact = relu(batch_norm(x, scale=True, scope='preact'))
        output(conv2d(preact, 8, 1, activation_fn=None, scope='c') + x)
        """)
        try run("FoldBatchNorm", on: &p)
        #expect(ops(p.graph) == ["ScaleShift[activation=relu]", "Conv2D", "BiasAdd", "Add"])
        #expect(p.graph.nodes.contains { $0.name == "Relu" && $0.op == .scaleShift(.relu) })
    }

    @Test func doesNotFoldWhenTheConvolutionHasTwoReaders() throws {
        var p = try program("""
        x = placeholder(float32, [1, 4, 4, 2])
        c = conv2d(x, 3, 3, activation_fn=None, scope='c')
        output(relu(batch_norm(c)) + c)
        """)
        try run("FoldBatchNorm", on: &p)
        #expect(ops(p.graph) == ["Conv2D", "BiasAdd", "ScaleShift[activation=relu]", "Add"])
    }

    // MARK: FuseConvActivation

    @Test func fusesBiasAndReluIntoTheConvolution() throws {
        var p = try program("""
        x = placeholder(float32, [1, 4, 4, 2])
        y = conv2d(x, 3, 3, scope='a')
        output(conv2d(y, 3, 3, activation_fn=relu6, scope='b'))
        """)
        try run("FuseConvActivation", on: &p)
        #expect(ops(p.graph) == ["Conv2D[bias,activation=relu]", "Conv2D[bias,activation=relu6]"])
        // The result keeps its name.
        #expect(p.graph[p.graph.outputs[0]].name == "b/Relu6")
    }

    @Test func doesNotFuseIntoAConvolutionWithTwoReaders() throws {
        var p = try program("""
        x = placeholder(float32, [1, 4, 4, 2])
        y = conv2d(x, 3, 3, activation_fn=None, scope='a')
        output(relu(y) + y)
        """)
        try run("FuseConvActivation", on: &p)
        #expect(ops(p.graph) == ["Conv2D[bias]", "Relu", "Add"])
    }

    @Test func doesNotFuseSigmoid() throws {
        var p = try program("""
        x = placeholder(float32, [1, 4, 4, 2])
        output(conv2d(x, 3, 3, activation_fn=sigmoid, scope='a'))
        """)
        try run("FuseConvActivation", on: &p)
        #expect(ops(p.graph) == ["Conv2D[bias]", "Sigmoid"])
    }

    // MARK: FuseResidualAdd

    @Test func fusesTheResidualAddAndReluIntoTheLaterConvolution() throws {
        var p = try program("""
        x = placeholder(float32, [1, 4, 4, 8])
        a = conv2d(x, 8, 3, activation_fn=None, biases_initializer=None, scope='a')
        b = conv2d(x, 8, 1, activation_fn=None, biases_initializer=None, scope='b')
        output(relu(a + b))
        """)
        try run("FuseResidualAdd", on: &p)
        #expect(ops(p.graph) == ["Conv2D", "Conv2D[residual,activation=relu]"])
        let fused = try #require(p.graph.nodes.first { $0.name == "Relu" })
        #expect(p.graph[fused.inputs[2]].name == "a/Conv2D")
    }

    @Test func fusesAResidualAddWithoutRelu() throws {
        var p = try program("""
        x = placeholder(float32, [1, 4, 4, 8])
        output(conv2d(x, 8, 1, activation_fn=None, scope='c') + x)
        """)
        try run("FuseConvActivation", on: &p)
        try run("FuseResidualAdd", on: &p)
        #expect(ops(p.graph) == ["Conv2D[bias,residual]"])
    }

    @Test func doesNotFuseABroadcastingAddOrAnActivatedConvolution() throws {
        var p = try program("""
        x = placeholder(float32, [1, 4, 4, 8])
        s = placeholder(float32, [1, 1, 1, 8])
        c = conv2d(x, 8, 1, activation_fn=None, biases_initializer=None, scope='c')
        d = conv2d(x, 8, 1, scope='d')
        output(c + s)
        output(d + x)
        """)
        try run("FuseConvActivation", on: &p)
        try run("FuseResidualAdd", on: &p)
        #expect(ops(p.graph) == ["Conv2D", "Conv2D[bias,activation=relu]", "Add", "Add"])
    }

    // MARK: Identities, constants, dead code

    @Test func removesIdentitiesButNotResults() throws {
        var p = try program("""
        x = placeholder(float32, [2, 4, 4, 3])
        a = reshape(x, [2, 4, 4, 3])
        b = max_pool2d(a, 1, 1)
        c = squeeze(b)
        output(relu(c))
        output(reshape(x, [2, 4, 4, 3]))
        """)
        try run("EliminateIdentities", on: &p)
        #expect(ops(p.graph) == ["Relu", "Reshape"])
    }

    @Test func foldsConstantOnlyOpsAndLeavesTheRest() throws {
        let b = GraphBuilder()
        let x = try b.placeholder(shape: TensorShape([3, 2]))
        let two = b.constant([-2, 3], shape: [2])
        let folded = try b.add(.relu, [try b.add(.mul, [two, b.constant([1.5], shape: [])], name: "scale")], name: "Relu")
        let y = try b.add(.relu, [x], name: "Relu")
        b.markOutput(try b.add(.add, [try b.add(.reshape([1, 2]), [folded], name: "Reshape"), y], name: "add"))
        var p = Program(graph: b.graph, weights: WeightStore(source: "none"))
        try run("FoldConstants", on: &p)
        // relu([-2, 3] * 1.5) = [0, 4.5] and its reshape are now one constant; the relu of x stays.
        #expect(ops(p.graph) == ["Relu", "Add"])
        #expect(p.graph.nodes.contains { $0.op == .constant([0, 4.5]) })
    }

    @Test func eliminatesDeadCode() throws {
        var p = try program("""
        x = placeholder(float32, [2, 3])
        unused = fully_connected(x, 4, scope='unused')
        output(x * 2.0)
        """)
        try run("EliminateDeadCode", on: &p)
        #expect(ops(p.graph) == ["Mul"])
        #expect(p.graph.variables.isEmpty)
    }

    @Test func pipelineOptionsSelectPasses() throws {
        var o = PipelineOptions()
        o.disabled = ["FoldBatchNorm"]
        #expect(try Pipeline.selected(o).map(\.name) == ["EliminateIdentities", "FoldConstants", "FuseConvActivation", "FuseResidualAdd", "EliminateDeadCode"])
        o.only = ["FuseResidualAdd", "EliminateDeadCode"]
        #expect(try Pipeline.selected(o).map(\.name) == ["FuseResidualAdd", "EliminateDeadCode"])
        o.optimize = false
        #expect(try Pipeline.selected(o).isEmpty)
        o.disabled = ["FoldBatchnorm"]
        #expect(throws: PipelineError.self) { try Pipeline.selected(o) }
        do { _ = try Pipeline.selected(o) } catch {
            #expect(error.message.hasPrefix("unknown pass 'FoldBatchnorm'; did you mean 'FoldBatchNorm'?"))
        }
    }

    @Test func theFullPipelineFusesResNetBlocksAsExpected() throws {
        var p = try program("""
        from_input = placeholder(float32, [1, 8, 8, 16])
        def block(x, scope):
            with variable_scope(scope):
                y = relu(batch_norm(conv2d(x, 16, 3, activation_fn=None, biases_initializer=None, scope='conv1'), scale=True, scope='bn1'))
                y = batch_norm(conv2d(y, 16, 3, activation_fn=None, biases_initializer=None, scope='conv2'), scale=True, scope='bn2')
                return relu(y + x)
        output(block(block(from_input, 'b1'), 'b2'))
        """)
        try Pipeline.run(&p)
        #expect(ops(p.graph) == ["Conv2D[bias,activation=relu]", "Conv2D[bias,residual,activation=relu]",
                                 "Conv2D[bias,activation=relu]", "Conv2D[bias,residual,activation=relu]"])
        // Only the folded weights remain.
        #expect(p.graph.variables.map(\.name).allSatisfy { $0.hasSuffix("_folded") })
    }
}
