import GraphcIR
import GraphcPasses
import GraphcTestSupport
import Testing

/// FusePrologue: resnet_v2's pre-activation (a ScaleShift with its ReLU) becomes the prologue
/// of the 1x1 convolutions that read it, and only when every reader can take it.
@Suite struct FusePrologueTests {
    /// x -> ScaleShift+relu -> two 1x1 convolutions (a block's first unit: shortcut and conv1),
    /// with `other` deciding what else reads the ScaleShift.
    func preactivation(other: ((GraphBuilder, NodeID) throws -> NodeID)? = nil) throws -> Program {
        try program { b in
            let x = try b.placeholder(name: "x", shape: TensorShape([1, 4, 4, 2]))
            let scale = try b.variable("preact/scale", shape: [2]), shift = try b.variable("preact/shift", shape: [2])
            let preact = try b.add(.scaleShift(.relu), [x, scale, shift], name: "preact/Relu")
            b.markOutput(try b.conv2d(preact, numOutputs: 3, kernel: (1, 1), scope: "shortcut"))
            b.markOutput(try b.conv2d(preact, numOutputs: 2, kernel: (1, 1), scope: "conv1"))
            if let other { b.markOutput(try other(b, preact)) }
        }
    }

    @Test func everyOneByOneReaderTakesTheScaleShift() throws {
        var p = try preactivation()
        try run("FusePrologue", on: &p)
        try Snapshot.expect(ir(p), equals: """
        %0 = Placeholder : (1, 4, 4, 2) "x"
        %1 = VariableV2 : (2,) "preact/scale"
        %2 = VariableV2 : (2,) "preact/shift"
        %3 = VariableV2 : (1, 1, 2, 3) "shortcut/weights"
        %4 = Conv2D(%0, %3, %1, %2) {strides=[1, 1], padding=SAME, prologue=scale_shift+relu} : (1, 4, 4, 3) "shortcut/Conv2D"
        %5 = VariableV2 : (3,) "shortcut/biases"
        %6 = BiasAdd(%4, %5) : (1, 4, 4, 3) "shortcut/BiasAdd"
        %7 = VariableV2 : (1, 1, 2, 2) "conv1/weights"
        %8 = Conv2D(%0, %7, %1, %2) {strides=[1, 1], padding=SAME, prologue=scale_shift+relu} : (1, 4, 4, 2) "conv1/Conv2D"
        %9 = VariableV2 : (2,) "conv1/biases"
        %10 = BiasAdd(%8, %9) : (1, 4, 4, 2) "conv1/BiasAdd"
        outputs: %6, %10
        """)
    }

    /// After FuseConvActivation, as in the pipeline: the prologue's inputs come before the
    /// epilogue's bias.
    @Test func thePrologueComesBeforeTheEpilogue() throws {
        var p = try preactivation()
        try run("FuseConvActivation", "FusePrologue", on: &p)
        let text = ir(p)
        #expect(text.contains("Conv2D(%0, %3, %1, %2, %4) {strides=[1, 1], padding=SAME, prologue=scale_shift+relu, bias} : (1, 4, 4, 3)"))
        #expect(!text.contains("ScaleShift"))
    }

    @Test func anyOtherReaderKeepsIt() throws {
        let others: [(GraphBuilder, NodeID) throws -> NodeID] = [
            // A 3x3 convolution would transform its padding's zeros.
            { b, x in try b.conv2d(x, numOutputs: 2, kernel: (3, 3), scope: "conv2") },
            // A strided 1x1 reads only some pixels; not taken, to keep the prologue's rows the input's.
            { b, x in try b.conv2d(x, numOutputs: 2, kernel: (1, 1), stride: (2, 2), scope: "strided") },
            // Anything not a convolution.
            { b, x in try b.add(.activation(.sigmoid), [x], name: "Sigmoid") },
            // The ScaleShift's output is a result of the graph.
            { _, x in x },
        ]
        for other in others {
            var p = try preactivation(other: other)
            let before = ir(p)
            try run("FusePrologue", on: &p)
            #expect(ir(p) == before)
        }
    }
}
