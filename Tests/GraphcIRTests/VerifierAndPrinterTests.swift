import GraphcIR
import Testing

@Suite struct VerifierAndPrinterTests {
    func smallGraph() throws -> Graph {
        let b = GraphBuilder()
        let x = try b.placeholder(name: "input", shape: TensorShape([nil, 5, 5, 2]))
        _ = try b.conv2d(x, numOutputs: 4, kernel: (3, 3), stride: (2, 2), padding: .explicit(top: 1, bottom: 1, left: 1, right: 1),
                         activation: { try b.add(.relu6, [$0], name: "Relu6") }, scope: "c")
        return b.graph
    }

    @Test func printsOneNodeALine() throws {
        let text = IRPrinter.print(try smallGraph())
        #expect(text == """
        %0 = Placeholder : (?, 5, 5, 2) "input"
        %1 = VariableV2 : (3, 3, 2, 4) "c/weights"
        %2 = Conv2D(%0, %1) {strides=[2, 2], padding=[[1, 1], [1, 1]]} : (?, 3, 3, 4) "c/Conv2D"
        %3 = VariableV2 : (4,) "c/biases"
        %4 = BiasAdd(%2, %3) : (?, 3, 3, 4) "c/BiasAdd"
        %5 = Relu6(%4) : (?, 3, 3, 4) "c/Relu6"
        outputs: %5

        """)
    }

    @Test func acceptsAWellFormedGraph() throws {
        let g = try smallGraph()
        #expect(throws: Never.self) { try Verifier.verify(g) }
    }

    @Test func rejectsAWrongShapeAForwardReferenceAndADuplicateName() throws {
        var g = try smallGraph()
        g[4].shape = TensorShape([1, 3, 3, 4])
        g[5].inputs = [5]
        g[3].name = "c/weights"
        #expect(throws: Verifier.Failure.self) { try Verifier.verify(g) }
        do {
            try Verifier.verify(g)
        } catch {
            #expect(error.problems == [
                "%3 'c/weights': name used twice",
                "%4 'c/BiasAdd': stored shape (1, 3, 3, 4), inferred (?, 3, 3, 4)",
                "%5 'c/Relu6': inputs [5] must come earlier in the schedule",
            ])
        }
    }

    @Test func countsParametersAndMultiplyAdds() throws {
        let g = try smallGraph()
        let rows = Statistics.rows(g)
        let conv = try #require(rows.first { $0.name == "c/Conv2D" })
        // 3 * 3 * 2 * 4 weights; per example 3 * 3 outputs * 4 channels * (3 * 3 * 2) products.
        #expect(conv.parameters == 72)
        #expect(conv.multiplyAdds == 3 * 3 * 4 * 18)
        #expect(rows.first { $0.name == "c/BiasAdd" }?.parameters == 4)
        let blocks = Statistics.rows(g, depth: 1)
        #expect(blocks.map(\.name) == ["c"])
        #expect(blocks[0].op == "3 ops")
        #expect(blocks[0].shape == TensorShape([nil, 3, 3, 4]))
        #expect(blocks[0].parameters == 76)
    }
}
