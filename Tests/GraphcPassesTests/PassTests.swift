import GraphcIR
import GraphcTestSupport
import Testing
@testable import GraphcPasses

/// Each pass on small graphs built with `GraphBuilder`: the IR before and after, what it
/// rewrites, and what it must leave alone.
@Suite struct PassTests {
    // MARK: LowerBatchNorm and FoldBatchNorm

    /// x -> conv 3x3 (3, biases) -> batch norm (gamma, epsilon 0.01) -> relu.
    func convBatchNormRelu() throws -> Program {
        try program { b in
            let x = try b.placeholder(name: "x", shape: TensorShape([1, 4, 4, 2]))
            let c = try b.conv(x, 3, 3, scope: "c")
            b.markOutput(try b.relu(try b.batchNorm(c, scale: true, epsilon: 0.01, scope: "bn")))
        }
    }

    @Test func lowersABatchNormToTheScaleShiftItIs() throws {
        var p = try convBatchNormRelu()
        try Snapshot.expect(ir(p), equals: """
        %0 = Placeholder : (1, 4, 4, 2) "x"
        %1 = VariableV2 : (3, 3, 2, 3) "c/weights"
        %2 = Conv2D(%0, %1) {strides=[1, 1], padding=SAME} : (1, 4, 4, 3) "c/Conv2D"
        %3 = VariableV2 : (3,) "c/biases"
        %4 = BiasAdd(%2, %3) : (1, 4, 4, 3) "c/BiasAdd"
        %5 = VariableV2 : (3,) "bn/beta"
        %6 = VariableV2 : (3,) "bn/gamma"
        %7 = VariableV2 : (3,) "bn/moving_mean"
        %8 = VariableV2 : (3,) "bn/moving_variance"
        %9 = FusedBatchNormV3(%4, %6, %5, %7, %8) {epsilon=0.01, scale=true, center=true} : (1, 4, 4, 3) "bn/FusedBatchNormV3"
        %10 = Relu(%9) : (1, 4, 4, 3) "Relu"
        outputs: %10
        """)
        let values = { (name: String) in p.weights.values(name, count: 3)! }
        let gamma = values("bn/gamma"), beta = values("bn/beta"), mean = values("bn/moving_mean"), variance = values("bn/moving_variance")
        try run("LowerBatchNorm", on: &p)
        try Snapshot.expect(ir(p), equals: """
        %0 = Placeholder : (1, 4, 4, 2) "x"
        %1 = VariableV2 : (3, 3, 2, 3) "c/weights"
        %2 = Conv2D(%0, %1) {strides=[1, 1], padding=SAME} : (1, 4, 4, 3) "c/Conv2D"
        %3 = VariableV2 : (3,) "c/biases"
        %4 = BiasAdd(%2, %3) : (1, 4, 4, 3) "c/BiasAdd"
        %5 = VariableV2 : (3,) "bn/FusedBatchNormV3/scale"
        %6 = VariableV2 : (3,) "bn/FusedBatchNormV3/shift"
        %7 = ScaleShift(%4, %5, %6) : (1, 4, 4, 3) "bn/FusedBatchNormV3"
        %8 = Relu(%7) : (1, 4, 4, 3) "Relu"
        outputs: %8
        """)
        // scale = gamma / sqrt(var + eps), shift = beta - mean * scale, for every channel.
        let scale = values("bn/FusedBatchNormV3/scale"), shift = values("bn/FusedBatchNormV3/shift")
        for c in 0..<3 {
            let s = gamma[c] / (variance[c] + 0.01).squareRoot()
            #expect(abs(scale[c] - s) < 1e-6)
            #expect(abs(shift[c] - (beta[c] - mean[c] * s)) < 1e-6)
        }
    }

    @Test func foldsBatchNormIntoTheConvolutionBeforeIt() throws {
        var p = try convBatchNormRelu()
        let values = { (name: String, n: Int) in p.weights.values(name, count: n)! }
        let w = values("c/weights", 54), b = values("c/biases", 3)
        let gamma = values("bn/gamma", 3), beta = values("bn/beta", 3), mean = values("bn/moving_mean", 3), variance = values("bn/moving_variance", 3)
        try run("LowerBatchNorm", "FoldBatchNorm", on: &p)
        try Snapshot.expect(ir(p), equals: """
        %0 = Placeholder : (1, 4, 4, 2) "x"
        %1 = VariableV2 : (3, 3, 2, 3) "c/weights_folded"
        %2 = VariableV2 : (3,) "c/biases_folded"
        %3 = Conv2D(%0, %1, %2) {strides=[1, 1], padding=SAME, bias} : (1, 4, 4, 3) "c/Conv2D"
        %4 = Relu(%3) : (1, 4, 4, 3) "Relu"
        outputs: %4
        """)
        // w' = w * gamma / sqrt(var + eps); b' = (b - mean) * inv + beta, for every weight.
        let folded = values("c/weights_folded", 54), bias = values("c/biases_folded", 3)
        for i in 0..<54 {
            let c = i % 3
            #expect(abs(folded[i] - w[i] * gamma[c] / (variance[c] + 0.01).squareRoot()) < 1e-6)
        }
        for c in 0..<3 {
            let inv = gamma[c] / (variance[c] + 0.01).squareRoot()
            #expect(abs(bias[c] - ((b[c] - mean[c]) * inv + beta[c])) < 1e-6)
        }
    }

    @Test func foldsIntoFullyConnectedAndGivesABiaslessOneABias() throws {
        var p = try program { b in
            let x = try b.placeholder(name: "x", shape: TensorShape([2, 6]))
            b.markOutput(try b.batchNorm(try b.fullyConnected(x, numOutputs: 4, biases: false, scope: "fc")))
        }
        // The batch norm is the result: the folded matmul takes its name.
        try run("LowerBatchNorm", "FoldBatchNorm", on: &p)
        #expect(ops(p.graph) == ["MatMul[bias]"])
        #expect(p.graph[p.graph.outputs[0]].name == "BatchNorm/FusedBatchNormV3")
        var q = try program { b in
            let x = try b.placeholder(name: "x", shape: TensorShape([2, 6]))
            b.markOutput(try b.relu(try b.batchNorm(try b.fullyConnected(x, numOutputs: 4, biases: false, scope: "fc"))))
        }
        try run("LowerBatchNorm", "FoldBatchNorm", on: &q)
        #expect(ops(q.graph) == ["MatMul[bias]", "Relu"])
    }

    @Test func aBatchNormThatCannotFoldStaysAScaleShiftAndTakesItsRelu() throws {
        // Pre-activation: the batch norm reads the block input, which the shortcut reads too.
        var p = try program { b in
            let x = try b.placeholder(name: "x", shape: TensorShape([1, 4, 4, 8]))
            let preact = try b.withVariableScope("preact") { try b.relu(try b.batchNorm(x, scale: true)) }
            b.markOutput(try b.add(.add, [try b.conv(preact, 8, 1, scope: "c"), x], name: "add"))
        }
        try run("LowerBatchNorm", "FoldBatchNorm", on: &p)
        #expect(ops(p.graph) == ["ScaleShift", "Relu", "Conv2D", "BiasAdd", "Add"])
        try run("FuseConvActivation", on: &p)
        try Snapshot.expect(ir(p), equals: """
        %0 = Placeholder : (1, 4, 4, 8) "x"
        %1 = VariableV2 : (8,) "preact/BatchNorm/FusedBatchNormV3/scale"
        %2 = VariableV2 : (8,) "preact/BatchNorm/FusedBatchNormV3/shift"
        %3 = ScaleShift(%0, %1, %2) {activation=relu} : (1, 4, 4, 8) "preact/Relu"
        %4 = VariableV2 : (1, 1, 8, 8) "c/weights"
        %5 = VariableV2 : (8,) "c/biases"
        %6 = Conv2D(%3, %4, %5) {strides=[1, 1], padding=SAME, bias} : (1, 4, 4, 8) "c/Conv2D"
        %7 = Add(%6, %0) : (1, 4, 4, 8) "add"
        outputs: %7
        """)
    }

    @Test func doesNotFoldWhenTheConvolutionHasTwoReaders() throws {
        var p = try program { b in
            let x = try b.placeholder(name: "x", shape: TensorShape([1, 4, 4, 2]))
            let c = try b.conv(x, 3, 3, scope: "c")
            b.markOutput(try b.add(.add, [try b.relu(try b.batchNorm(c)), c], name: "add"))
        }
        try run("LowerBatchNorm", "FoldBatchNorm", on: &p)
        #expect(ops(p.graph) == ["Conv2D", "BiasAdd", "ScaleShift", "Relu", "Add"])
    }

    // MARK: FuseConvActivation

    @Test func fusesBiasAndReluIntoTheConvolution() throws {
        var p = try program { b in
            let x = try b.placeholder(name: "x", shape: TensorShape([1, 4, 4, 2]))
            let y = try b.conv2d(x, numOutputs: 3, kernel: (3, 3), activation: { try b.relu($0) }, scope: "a")
            b.markOutput(try b.conv2d(y, numOutputs: 3, kernel: (3, 3), activation: { try b.add(.relu6, [$0], name: "Relu6") }, scope: "b"))
        }
        try run("FuseConvActivation", on: &p)
        try Snapshot.expect(ir(p), equals: """
        %0 = Placeholder : (1, 4, 4, 2) "x"
        %1 = VariableV2 : (3, 3, 2, 3) "a/weights"
        %2 = VariableV2 : (3,) "a/biases"
        %3 = Conv2D(%0, %1, %2) {strides=[1, 1], padding=SAME, bias, activation=relu} : (1, 4, 4, 3) "a/Conv2D"
        %4 = VariableV2 : (3, 3, 3, 3) "b/weights"
        %5 = VariableV2 : (3,) "b/biases"
        %6 = Conv2D(%3, %4, %5) {strides=[1, 1], padding=SAME, bias, activation=relu6} : (1, 4, 4, 3) "b/Relu6"
        outputs: %6
        """)
    }

    @Test func doesNotFuseIntoAConvolutionWithTwoReaders() throws {
        var p = try program { b in
            let x = try b.placeholder(name: "x", shape: TensorShape([1, 4, 4, 2]))
            let y = try b.conv(x, 3, 3, scope: "a")
            b.markOutput(try b.add(.add, [try b.relu(y), y], name: "add"))
        }
        try run("FuseConvActivation", on: &p)
        #expect(ops(p.graph) == ["Conv2D[bias]", "Relu", "Add"])
    }

    @Test func fusesEveryActivationTheEpilogueRuns() throws {
        for activation in [Activation.sigmoid, .tanh] {
            var p = try program { b in
                let x = try b.placeholder(name: "x", shape: TensorShape([1, 4, 4, 2]))
                b.markOutput(try b.add(.activation(activation), [try b.conv(x, 3, 3, scope: "a")], name: activation.typeName))
            }
            try run("FuseConvActivation", on: &p)
            #expect(ops(p.graph) == ["Conv2D[bias,activation=\(activation.name)]"])
        }
    }

    // MARK: FuseResidualAdd

    @Test func fusesTheResidualAddAndReluIntoTheLaterConvolution() throws {
        var p = try program { b in
            let x = try b.placeholder(name: "x", shape: TensorShape([1, 4, 4, 8]))
            let a = try b.conv(x, 8, 3, biases: false, scope: "a")
            let c = try b.conv(x, 8, 1, biases: false, scope: "b")
            b.markOutput(try b.relu(try b.add(.add, [a, c], name: "add")))
        }
        try run("FuseResidualAdd", on: &p)
        try Snapshot.expect(ir(p), equals: """
        %0 = Placeholder : (1, 4, 4, 8) "x"
        %1 = VariableV2 : (3, 3, 8, 8) "a/weights"
        %2 = Conv2D(%0, %1) {strides=[1, 1], padding=SAME} : (1, 4, 4, 8) "a/Conv2D"
        %3 = VariableV2 : (1, 1, 8, 8) "b/weights"
        %4 = Conv2D(%0, %3, %2) {strides=[1, 1], padding=SAME, residual, activation=relu} : (1, 4, 4, 8) "Relu"
        outputs: %4
        """)
    }

    @Test func fusesAResidualAddWithoutRelu() throws {
        var p = try program { b in
            let x = try b.placeholder(name: "x", shape: TensorShape([1, 4, 4, 8]))
            b.markOutput(try b.add(.add, [try b.conv(x, 8, 1, scope: "c"), x], name: "add"))
        }
        try run("FuseConvActivation", "FuseResidualAdd", on: &p)
        #expect(ops(p.graph) == ["Conv2D[bias,residual]"])
    }

    @Test func doesNotFuseABroadcastingAddOrAnActivatedConvolution() throws {
        var p = try program { b in
            let x = try b.placeholder(name: "x", shape: TensorShape([1, 4, 4, 8]))
            let s = try b.placeholder(name: "s", shape: TensorShape([1, 1, 1, 8]))
            let c = try b.conv(x, 8, 1, biases: false, scope: "c")
            let d = try b.conv2d(x, numOutputs: 8, kernel: (1, 1), activation: { try b.relu($0) }, scope: "d")
            b.markOutput(try b.add(.add, [c, s], name: "add"))
            b.markOutput(try b.add(.add, [d, x], name: "add"))
        }
        try run("FuseConvActivation", "FuseResidualAdd", on: &p)
        #expect(ops(p.graph) == ["Conv2D", "Conv2D[bias,activation=relu]", "Add", "Add"])
    }

    // MARK: Identities, constants, dead code

    @Test func removesIdentitiesButNotResults() throws {
        var p = try program { b in
            let x = try b.placeholder(name: "x", shape: TensorShape([2, 4, 4, 3]))
            let a = try b.add(.reshape([2, 4, 4, 3]), [x], name: "Reshape")
            let c = try b.pool(a, max: true, attributes: PoolAttributes(windowH: 1, windowW: 1, strideH: 1, strideW: 1, padding: .valid))
            let d = try b.add(.squeeze(axes: []), [c], name: "Squeeze")
            b.markOutput(try b.relu(d))
            b.markOutput(try b.add(.reshape([2, 4, 4, 3]), [x], name: "Reshape"))
        }
        try run("EliminateIdentities", on: &p)
        try Snapshot.expect(ir(p), equals: """
        %0 = Placeholder : (2, 4, 4, 3) "x"
        %1 = Relu(%0) : (2, 4, 4, 3) "Relu"
        %2 = Reshape(%0) {shape=[2, 4, 4, 3]} : (2, 4, 4, 3) "Reshape_1"
        outputs: %1, %2
        """)
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
        var p = try program { b in
            let x = try b.placeholder(name: "x", shape: TensorShape([2, 3]))
            _ = try b.fullyConnected(x, numOutputs: 4, scope: "unused")
            b.markOutput(try b.add(.mul, [x, b.constant([2], shape: [])], name: "mul"))
        }
        try run("EliminateDeadCode", on: &p)
        #expect(ops(p.graph) == ["Mul"])
        #expect(p.graph.variables.isEmpty)
    }

    // MARK: The pipeline

    @Test func pipelineOptionsSelectPassesAfterTheLowerings() throws {
        var o = PipelineOptions()
        o.disabled = ["FoldBatchNorm"]
        #expect(try Pipeline.selected(o).map(\.name) == ["LowerBatchNorm", "EliminateIdentities", "FoldConstants", "FuseConvActivation", "FuseResidualAdd", "FoldPadIntoConvolution", "FusePrologue", "UseWinograd", "PackWeights", "EliminateDeadCode"])
        o.only = ["FuseResidualAdd", "EliminateDeadCode"]
        #expect(try Pipeline.selected(o).map(\.name) == ["LowerBatchNorm", "FuseResidualAdd", "EliminateDeadCode"])
        o.optimize = false
        #expect(try Pipeline.selected(o).map(\.name) == ["LowerBatchNorm"])
        o.disabled = ["FoldBatchnorm"]
        #expect(throws: PipelineError.self) { try Pipeline.selected(o) }
        do { _ = try Pipeline.selected(o) } catch {
            #expect(error.message.hasPrefix("unknown pass 'FoldBatchnorm'; did you mean 'FoldBatchNorm'?"))
        }
    }

    @Test func aLoweringCannotBeDisabled() throws {
        var o = PipelineOptions()
        o.disabled = ["LowerBatchNorm"]
        #expect(throws: PipelineError(message: "LowerBatchNorm is a lowering: it always runs, first")) { try Pipeline.selected(o) }
    }

    @Test func theFullPipelineFusesResNetBlocksAsExpected() throws {
        var p = try program { b in
            func block(_ x: NodeID, _ scope: String) throws -> NodeID {
                try b.withVariableScope(scope) {
                    var y = try b.relu(try b.batchNorm(try b.conv(x, 16, 3, biases: false, scope: "conv1"), scale: true, scope: "bn1"))
                    y = try b.batchNorm(try b.conv(y, 16, 3, biases: false, scope: "conv2"), scale: true, scope: "bn2")
                    return try b.relu(try b.add(.add, [y, x], name: "add"))
                }
            }
            let x = try b.placeholder(name: "from_input", shape: TensorShape([1, 8, 8, 16]))
            b.markOutput(try block(try block(x, "b1"), "b2"))
        }
        try Pipeline.run(&p)
        #expect(ops(p.graph) == ["Conv2D[bias,activation=relu]", "Conv2D[bias,residual,activation=relu]",
                                 "Conv2D[bias,activation=relu]", "Conv2D[bias,residual,activation=relu]"])
        // Only the folded weights remain, the convolutions' transformed for Winograd F(2x2) (8x8
        // maps) and packed for the GEMM (16 channels: one panel).
        #expect(p.graph.variables.map(\.name).sorted() == ["b1/conv1/biases_folded", "b1/conv1/weights_folded_winograd_packed",
                                                            "b1/conv2/biases_folded", "b1/conv2/weights_folded_winograd_packed",
                                                            "b2/conv1/biases_folded", "b2/conv1/weights_folded_winograd_packed",
                                                            "b2/conv2/biases_folded", "b2/conv2/weights_folded_winograd_packed"])
    }
}
