import GraphcCompiler
import GraphcIR
import GraphcPasses
import GraphcTestSupport
import Testing

/// The compile entry point: where batches come from, what it leaves alone, when it plans again.
@Suite struct CompilerTests {
    /// x [None, 6, 6, 2] -> conv 3x3 (4) -> batch norm -> relu.
    static func network(batch: Int? = nil) throws -> (Graph, WeightStore) {
        let b = GraphBuilder()
        let x = try b.placeholder(name: "x", shape: TensorShape([batch, 6, 6, 2]))
        let y = try b.conv2d(x, numOutputs: 4, kernel: (3, 3), biases: false, normalizer: { try b.batchNorm($0, scale: true) },
                             activation: { try b.add(.relu, [$0], name: "Relu") }, scope: "c")
        b.markOutput(y)
        let weights = WeightStore(source: "test")
        for v in b.graph.variables {
            let n = v.shape.elementCountPerUnknown
            weights.add(v.name, (0..<n).map { v.name.hasSuffix("variance") ? 1 + Float($0) * 0.1 : Float($0 % 5) * 0.3 - 0.6 })
        }
        return (b.graph, weights)
    }

    @Test func anUnknownBatchIsResolvedFromTheOptionsElseOne() throws {
        let (graph, weights) = try Self.network()
        let one = try Compiler.compile(graph, weights: weights, source: "t")
        #expect(one.resolvedBatch == 1)
        #expect(one.shapes[one.outputs[0]] == [1, 6, 6, 4])
        let four = try Compiler.compile(graph, weights: weights, source: "t", options: CompileOptions(batch: 4))
        #expect(four.resolvedBatch == 4)
        #expect(four.batch == 4)
        #expect(four.shapes[four.outputs[0]] == [4, 6, 6, 4])
    }

    @Test func fedDataFillsTheBatchAndAFixedBatchIgnoresTheOption() throws {
        let (graph, weights) = try Self.network()
        var options = CompileOptions(batch: 4)
        options.inputShapes = ["x": [3, 6, 6, 2]]
        #expect(try Compiler.compile(graph, weights: weights, source: "t", options: options).batch == 3)
        options.inputShapes = ["x": [3, 5, 6, 2]]
        #expect(throws: CompileError.self) { try Compiler.compile(graph, weights: weights, source: "t", options: options) }
        let (fixed, fixedWeights) = try Self.network(batch: 2)
        let model = try Compiler.compile(fixed, weights: fixedWeights, source: "t", options: CompileOptions(batch: 7))
        #expect(model.resolvedBatch == nil)
        #expect(model.batch == 2)
    }

    @Test func theCallersWeightsAreNotChanged() throws {
        let (graph, weights) = try Self.network()
        let before = weights.values("c/weights", count: 72)
        let model = try Compiler.compile(graph, weights: weights, source: "t")
        // Folded into the convolution: the model reads its own folded values...
        #expect(model.graph.variables.map(\.name).sorted() == ["c/biases_folded", "c/weights_folded"])
        // ...and the caller's store still holds every original, unchanged.
        #expect(weights.values("c/weights", count: 72) == before)
        #expect(weights.values("c/BatchNorm/moving_variance", count: 4) != nil)
        #expect(weights["c/weights_folded"] == nil)
    }

    @Test func replanningForTheSameShapesKeepsTheModel() throws {
        let (graph, weights) = try Self.network()
        let model = try Compiler.compile(graph, weights: weights, source: "t", options: CompileOptions(batch: 2))
        #expect(try Compiler.replan(model, options: CompileOptions(batch: 2)) === model)
        let other = try Compiler.replan(model, options: CompileOptions(batch: 5))
        #expect(other.batch == 5)
        #expect(other.graph.nodes.count == model.graph.nodes.count)
    }

    @Test func batchNormIsLoweredEvenWithoutOptimization() throws {
        let (graph, weights) = try Self.network()
        var options = CompileOptions()
        options.pipeline.optimize = false
        let model = try Compiler.compile(graph, weights: weights, source: "t", options: options)
        #expect(model.graph.nodes.map(\.op.typeName).filter { $0 != "VariableV2" } == ["Placeholder", "Conv2D", "ScaleShift", "Relu"])
    }

    @Test func aGraphOverTheMemoryBudgetIsAnErrorBeforeAnythingIsAllocated() throws {
        let (graph, weights) = try Self.network()
        var options = CompileOptions()
        options.memoryBudget = 100
        // (3*3*2*4 weights + 4 * 4 batch-norm values) * 4 bytes, twice.
        #expect(throws: CompileError("the weights (with their folded copies) would need 704 bytes, more than the memory budget of 100 bytes")) {
            try Compiler.compile(graph, weights: weights, source: "t", options: options)
        }
    }
}
