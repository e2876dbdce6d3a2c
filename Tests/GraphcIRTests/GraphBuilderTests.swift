import GraphcIR
import Testing

/// Naming follows TF1's `Graph.unique_name` and slim's variable scopes.
@Suite struct GraphBuilderTests {
    @Test func opNamesAreUniqueWithinTheirScope() throws {
        let b = GraphBuilder()
        let x = try b.placeholder(shape: TensorShape([1, 2, 2, 3]))
        let r1 = try b.add(.relu, [x], name: "Relu")
        let r2 = try b.add(.relu, [r1], name: "Relu")
        try b.withNameScope("block") {
            _ = try b.add(.relu, [r2], name: "Relu")
        }
        try b.withNameScope("block") {
            _ = try b.add(.relu, [r2], name: "Relu")
        }
        #expect(b.graph.nodes.map(\.name) == ["Placeholder", "Relu", "Relu_1", "block/Relu", "block_1/Relu"])
    }

    @Test func defaultVariableScopesCountUpAndResetWhenTheirParentCloses() throws {
        let b = GraphBuilder()
        var names: [String] = []
        for _ in 0..<2 {
            b.withVariableScope("unit") {
                names.append(b.withVariableScope(nil, defaultName: "BatchNorm") { b.variableScope })
                names.append(b.withVariableScope(nil, defaultName: "BatchNorm") { b.variableScope })
            }
        }
        // Re-entering 'unit' reuses its variable scope (the name scope becomes unit_1), and the
        // BatchNorm counter starts again because TF closes a scope's sub-scopes on exit.
        #expect(names == ["unit/BatchNorm", "unit/BatchNorm_1", "unit/BatchNorm", "unit/BatchNorm_1"])
    }

    @Test func aVariableCannotBeMadeTwice() throws {
        let b = GraphBuilder()
        try b.withVariableScope("conv") { _ = try b.variable("weights", shape: [1, 1, 3, 3]) }
        #expect(throws: ShapeError("variable 'conv/weights' already exists; each layer needs its own scope")) {
            try b.withVariableScope("conv") { _ = try b.variable("weights", shape: [1, 1, 3, 3]) }
        }
    }

    @Test func slimLayersMakeSlimVariables() throws {
        let b = GraphBuilder()
        let x = try b.placeholder(name: "input", shape: TensorShape([nil, 8, 8, 3]))
        let y = try b.conv2d(x, numOutputs: 16, kernel: (3, 3), stride: (2, 2), normalizer: { try b.batchNorm($0, scale: true) },
                             activation: { try b.add(.relu, [$0], name: "Relu") }, scope: "conv1")
        let z = try b.fullyConnected(y, numOutputs: 10, scope: "fc")
        #expect(b.graph.variables.map(\.name) == [
            "conv1/weights", "conv1/BatchNorm/beta", "conv1/BatchNorm/gamma", "conv1/BatchNorm/moving_mean",
            "conv1/BatchNorm/moving_variance", "fc/weights", "fc/biases",
        ])
        #expect(b.graph[y].name == "conv1/Relu")
        #expect(b.graph[y].shape == TensorShape([nil, 4, 4, 16]))
        #expect(b.graph[z].shape == TensorShape([nil, 4, 4, 10]))
        #expect(b.graph.nodes.first { $0.name == "fc/Tensordot" }?.op == .matMul(.none))
    }
}
