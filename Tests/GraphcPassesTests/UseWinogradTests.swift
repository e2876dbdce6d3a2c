import GraphcIR
import GraphcTestSupport
import Testing
@testable import GraphcPasses

/// UseWinograd: which convolutions it rewrites, and the transformed weights it stores.
@Suite struct UseWinogradTests {
    @Test func rewritesA3x3StrideOneConvolutionWithTransformedWeights() throws {
        var p = try program { b in
            let x = try b.placeholder(name: "x", shape: TensorShape([1, 16, 16, 4]))
            b.markOutput(try b.conv(x, 5, 3, scope: "c"))
        }
        let w = p.weights.values("c/weights", count: 3 * 3 * 4 * 5)!
        try run("FuseConvActivation", "UseWinograd", on: &p)
        try Snapshot.expect(ir(p), equals: """
        %0 = Placeholder : (1, 16, 16, 4) "x"
        %1 = VariableV2 : (5,) "c/biases"
        %2 = VariableV2 : (6, 6, 4, 5) "c/weights_winograd"
        %3 = Conv2D(%0, %2, %1) {strides=[1, 1], padding=SAME, winograd=F(4x4,3x3), bias} : (1, 16, 16, 5) "c/BiasAdd"
        outputs: %3
        """)
        // U = G g Gᵀ for every channel pair, with G as Lavin and Gray print it.
        let g: [[Double]] = [[0.25, 0, 0], [-1.0 / 6, -1.0 / 6, -1.0 / 6], [-1.0 / 6, 1.0 / 6, -1.0 / 6],
                             [1.0 / 24, 1.0 / 12, 1.0 / 6], [1.0 / 24, -1.0 / 12, 1.0 / 6], [0, 0, 1]]
        let u = p.weights.values("c/weights_winograd", count: 36 * 4 * 5)!
        for ci in 0..<4 { for co in 0..<5 { for i in 0..<6 { for j in 0..<6 {
            var expected = 0.0
            for a in 0..<3 { for b in 0..<3 { expected += g[i][a] * Double(w[((a * 3 + b) * 4 + ci) * 5 + co]) * g[j][b] } }
            #expect(abs(Double(u[((i * 6 + j) * 4 + ci) * 5 + co]) - expected) < 1e-6)
        } } } }
    }

    @Test func takesF2x2ForSmallMapsAndF4x4ForLargeOnes() throws {
        var p = try program { b in
            for (name, side) in [("seven", 7), ("thirteen", 13), ("fourteen", 14)] {
                let x = try b.placeholder(name: name, shape: TensorShape([1, side, side, 8]))
                b.markOutput(try b.conv(x, 8, 3, scope: name))
            }
        }
        try run("UseWinograd", on: &p)
        let convolutions = p.graph.nodes.compactMap { node -> (String, String?)? in
            guard case let .conv2d(a) = node.op else { return nil }
            return (node.name, a.algorithm?.rawValue)
        }
        #expect(convolutions.map(\.1) == ["F(2x2,3x3)", "F(2x2,3x3)", "F(4x4,3x3)"])
        let u = p.graph.variables.first { $0.name == "seven/weights_winograd" }!
        #expect(u.shape == TensorShape([4, 4, 8, 8]))
    }

    @Test func leavesConvolutionsWinogradDoesNotComputeOrWouldNotPay() throws {
        var p = try program { b in
            let x = try b.placeholder(name: "x", shape: TensorShape([1, 16, 16, 4]))
            b.markOutput(try b.conv2d(x, numOutputs: 4, kernel: (3, 3), stride: (2, 2), scope: "strided"))
            b.markOutput(try b.conv(x, 4, 1, scope: "pointwise"))
            b.markOutput(try b.conv(x, 4, 5, scope: "five"))
            b.markOutput(try b.conv2d(x, numOutputs: 4, kernel: (3, 3), rate: (2, 2), scope: "dilated"))
            let small = try b.placeholder(name: "small", shape: TensorShape([1, 5, 5, 4]))
            b.markOutput(try b.conv(small, 4, 3, scope: "small"))
        }
        let before = ir(p)
        try run("UseWinograd", on: &p)
        #expect(ir(p) == before)
    }
}

/// FoldPadIntoConvolution: resnet_v2's pad-then-VALID convolution becomes one padded convolution.
@Suite struct FoldPadIntoConvolutionTests {
    @Test func aSpatialZeroPadBecomesTheConvolutionsPadding() throws {
        var p = try program { b in
            let x = try b.placeholder(name: "x", shape: TensorShape([1, 9, 9, 2]))
            let padded = try b.add(.pad([[0, 0], [3, 3], [2, 4], [0, 0]]), [x], name: "Pad")
            b.markOutput(try b.conv2d(padded, numOutputs: 3, kernel: (7, 7), stride: (2, 2), padding: .valid, biases: false, scope: "c"))
        }
        let shapeBefore = p.graph[p.graph.outputs[0]].shape
        try run("FoldPadIntoConvolution", on: &p)
        try Snapshot.expect(ir(p), equals: """
        %0 = Placeholder : (1, 9, 9, 2) "x"
        %1 = VariableV2 : (7, 7, 2, 3) "c/weights"
        %2 = Conv2D(%0, %1) {strides=[2, 2], padding=[[3, 3], [2, 4]]} : (1, 5, 5, 3) "c/Conv2D"
        outputs: %2
        """)
        #expect(p.graph[p.graph.outputs[0]].shape == shapeBefore)
    }

    @Test func sameConvolutionsAddTheirOwnPaddingAndOtherPadsStay() throws {
        var p = try program { b in
            let x = try b.placeholder(name: "x", shape: TensorShape([1, 8, 8, 2]))
            let padded = try b.add(.pad([[0, 0], [1, 1], [1, 1], [0, 0]]), [x], name: "Pad")
            // SAME on the 10x10 padded input with a 3x3 window and stride 2: 0 before, 1 after.
            b.markOutput(try b.conv2d(padded, numOutputs: 3, kernel: (3, 3), stride: (2, 2), padding: .same, biases: false, scope: "c"))
            // A pad of the channels is not a convolution's padding.
            let channels = try b.add(.pad([[0, 0], [0, 0], [0, 0], [1, 1]]), [x], name: "ChannelPad")
            b.markOutput(try b.conv2d(channels, numOutputs: 3, kernel: (1, 1), padding: .valid, biases: false, scope: "d"))
        }
        try run("FoldPadIntoConvolution", on: &p)
        let text = ir(p)
        #expect(text.contains("Conv2D(%0, %1) {strides=[2, 2], padding=[[1, 2], [1, 2]]} : (1, 5, 5, 3) \"c/Conv2D\""))
        #expect(text.contains("ChannelPad"))
        #expect(!text.contains("\"Pad\""))
    }
}
