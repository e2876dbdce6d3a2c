import Foundation
import GraphcFrontend
import GraphcIR
import GraphcTestSupport
import SwiftProtobuf
import Testing
@testable import GraphcONNX

/// `ONNXExporter` on small graphs and on every bundled network: the model's interface, its
/// ops and attributes, transposed weights, and that every value a node reads is defined.
/// (That ONNX Runtime computes what graphc does on every Graphs/ network is checked by
/// bench/compare.py, which needs onnxruntime; Docs/Performance.md records its run.)
@Suite struct ExportTests {
    func export(_ graph: Graph, _ weights: WeightStore) throws -> Onnx_ModelProto {
        try Onnx_ModelProto(serializedBytes: try ONNXExporter.export(graph, weights: weights, name: "test"))
    }

    @Test func aConvolutionBecomesAnNCHWConvWithOIHWWeightsBetweenTransposes() throws {
        let b = GraphBuilder()
        let x = try b.placeholder(name: "x", shape: TensorShape([nil, 6, 7, 3]))
        let y = try b.conv2d(x, numOutputs: 4, kernel: (3, 2), stride: (2, 2), padding: .same, scope: "c")
        b.markOutput(try b.add(.relu, [y], name: "Relu"))
        let weights = WeightStore.initialize(b.graph, seed: 3)
        let model = try export(b.graph, weights)

        #expect(model.opsetImport.map(\.version) == [ONNXExporter.opset])
        let g = model.graph
        #expect(g.input.map(\.name) == ["x"])
        #expect(g.input[0].type.tensorType.shape.dim.map { $0.dimParam.isEmpty ? "\($0.dimValue)" : $0.dimParam } == ["batch", "6", "7", "3"])
        #expect(g.output[0].type.tensorType.shape.dim.first?.dimParam == "batch")
        #expect(g.output.map(\.name) == ["Relu"])
        #expect(g.output[0].type.tensorType.shape.dim.map(\.dimValue) == [0, 3, 4, 4])
        #expect(model.graph.node.allSatisfy { !$0.output.isEmpty })
        #expect(g.node.map(\.opType) == ["Transpose", "Conv", "Add", "Relu", "Transpose", "Identity"])
        // One producer per name: the NCHW result is renamed so its NHWC copy takes "Relu".
        let produced = g.node.flatMap(\.output)
        #expect(Set(produced).count == produced.count)
        #expect(g.node.last!.output == ["Relu"] && g.node[3].output == ["Relu/NCHW"])
        let names = g.node.map(\.name)
        #expect(Set(names).count == names.count, "ONNX Runtime refuses a model with two nodes of one name")

        let conv = g.node[1]
        func attribute(_ name: String) -> [Int64] { conv.attribute.first { $0.name == name }!.ints }
        #expect(attribute("kernel_shape") == [3, 2])
        #expect(attribute("strides") == [2, 2])
        // TF's SAME on 6x7 with a 3x2 window and stride 2: 1 row of padding (bottom), 1 column (right).
        #expect(attribute("pads") == [0, 0, 1, 1])

        // OIHW[o][i][y][x] == HWIO[y][x][i][o].
        let hwio = weights.values("c/weights", count: 3 * 2 * 3 * 4)!
        let w = g.initializer.first { $0.name == conv.input[1] }!
        #expect(w.dims == [4, 3, 3, 2])
        let oihw = w.rawData.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        for o in 0..<4 { for i in 0..<3 { for yy in 0..<3 { for xx in 0..<2 {
            #expect(oihw[((o * 3 + i) * 3 + yy) * 2 + xx] == hwio[((yy * 2 + xx) * 3 + i) * 4 + o])
        } } } }
    }

    @Test func groupedAndDepthwiseConvolutionsCarryTheirGroupCount() throws {
        let b = GraphBuilder()
        let x = try b.placeholder(name: "x", shape: TensorShape([1, 6, 6, 8]))
        let g = try b.conv2d(x, numOutputs: 12, kernel: (3, 3), groups: 4, scope: "g")
        b.markOutput(try b.separableConv2d(g, numOutputs: nil, kernel: (3, 3), depthMultiplier: 2, scope: "d"))
        let model = try export(b.graph, WeightStore.initialize(b.graph, seed: 1))
        let convs = model.graph.node.filter { $0.opType == "Conv" }
        #expect(convs.map { $0.attribute.first { $0.name == "group" }!.i } == [4, 12])
        // The depthwise [3, 3, 12, 2] weights become grouped OIHW [24, 1, 3, 3].
        #expect(model.graph.initializer.first { $0.name == convs[1].input[1] }!.dims == [24, 1, 3, 3])
    }

    static let networks = ["resnet18", "resnet_v2", "seed000_slim_resnet", "seed000_slim_resnet_mnist", "seed001_keras_resnet18",
                           "seed002_gluon_resnet", "seed003_pytorch_resnet", "seed004_resnet_v2"]

    @Test(arguments: networks)
    func everyBundledNetworkExportsWithEveryValueDefined(_ name: String) throws {
        let graph = try GraphFile.evaluate(path: Repository.path("Graphs/\(name).graph"), options: .quiet).graph
        let model = try export(graph, WeightStore.zeros(for: graph))
        var defined = Set(model.graph.input.map(\.name) + model.graph.initializer.map(\.name))
        for node in model.graph.node {
            for input in node.input where !input.isEmpty { #expect(defined.contains(input), "\(name): \(node.name) reads undefined \(input)") }
            defined.formUnion(node.output)
        }
        #expect(model.graph.output.allSatisfy { defined.contains($0.name) })
        #expect(model.graph.output.count == graph.outputs.count)
        // Every variable a result depends on went in (transposed or as it is), and nothing else:
        // blocks the file only prints are not part of the model.
        var live = Set(graph.outputs)
        for node in graph.nodes.reversed() where live.contains(node.id) { live.formUnion(node.inputs) }
        let needed = graph.variables.filter { live.contains($0.id) }
        #expect(model.graph.initializer.count >= needed.count)
        #expect(model.graph.input.map(\.name) == graph.placeholders.filter { live.contains($0.id) }.map(\.name))
    }

    @Test func sameConvolutionsOfAnUnknownSizeAreRefusedNotExportedUnpadded() throws {
        let b = GraphBuilder()
        let x = try b.placeholder(name: "x", shape: TensorShape([1, nil, nil, 3]))
        b.markOutput(try b.conv2d(x, numOutputs: 4, kernel: (3, 3), padding: .same, biases: false, scope: "c"))
        #expect(throws: ONNXExportError("'c/Conv2D' (Conv2D): ONNX export does not support SAME padding of an input with unknown height or width")) {
            try ONNXExporter.export(b.graph, weights: WeightStore.initialize(b.graph, seed: 1), name: "test")
        }
    }

    @Test func anOptimizedWinogradConvolutionIsRefused() throws {
        let b = GraphBuilder()
        let x = try b.placeholder(name: "x", shape: TensorShape([1, 16, 16, 4]))
        let w = try b.variable("w", shape: [6, 6, 4, 4])
        b.markOutput(try b.add(.conv2d(Conv2DAttributes(strideH: 1, strideW: 1, padding: .same, algorithm: .winogradF4x4)), [x, w], name: "conv"))
        #expect(throws: ONNXExportError("'conv' is a Winograd convolution: export the graph before optimization")) {
            try ONNXExporter.export(b.graph, weights: WeightStore.zeros(for: b.graph), name: "test")
        }
    }
}
