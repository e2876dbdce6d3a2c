import Foundation
import GraphcCompiler
import GraphcFormats
import GraphcFrontend
import GraphcIR
import GraphcRuntime
import GraphcTestSupport
import SwiftProtobuf
import Testing
@testable import GraphcONNX

/// `ONNXImporter` on real exports: Tests/Fixtures/onnx/make_onnx_fixtures.py exported a small
/// network with today's layers through PyTorch's two exporters and built a model of the
/// remaining ops with onnx.helper (make_tf2onnx_fixture.py converted a Keras network with
/// tf2onnx), and saved ONNX Runtime's output for a seeded input. The
/// translated graph file must compute it within 1e-4 x max |reference|, taking and returning
/// the model's own NCHW arrays; the file written to disk must re-run bit for bit.
@Suite struct ImportTests {
    static let fixtures = ["torch_mobile_dynamo", "torch_mobile_legacy", "torch_unet", "onnx_ops", "onnx_ops2", "keras_tf2onnx"]

    func fixture(_ name: String, _ suffix: String) -> String { Repository.path("Tests/Fixtures/onnx/\(name)\(suffix)") }

    /// The model's output for its fixture input, through the graph file `source` and `weights`.
    func run(_ source: String, weights: WeightStore, input: HostTensor, inputName: String, optimize: Bool = true) throws -> HostTensor {
        let graph = try GraphFile.evaluate(source: source, path: "imported.graph", options: .quiet).graph
        var options = CompileOptions()
        options.pipeline.optimize = optimize
        options.inputShapes = [inputName: input.shape]
        let model = try Compiler.compile(graph, weights: weights, source: "imported", options: options)
        return try Executor(model: model, options: RunOptions(threads: 2)).run([inputName: input])[0]
    }

    @Test(arguments: fixtures, [true, false])
    func importedModelsMatchONNXRuntime(_ name: String, optimize: Bool) throws {
        let imported = try ONNXImporter.importModel(path: fixture(name, ".onnx"))
        let input = try NumPyFile.read(path: fixture(name, ".input.npy"))
        let expected = try NumPyFile.read(path: fixture(name, ".output.npy"))
        let graph = try GraphFile.evaluate(source: imported.source, path: "imported.graph", options: .quiet).graph
        let output = try run(imported.source, weights: imported.weightStore(for: graph), input: input, inputName: imported.inputs[0], optimize: optimize)
        #expect(output.shape == expected.shape)
        let error = zip(output.data, expected.data).map { abs($0 - $1) }.max() ?? .infinity
        let scale = expected.data.map(abs).max() ?? 0
        #expect(scale > 0.1)
        #expect(error <= 1e-4 * scale, "\(name): max |error| \(error), max |reference| \(scale)")
    }

    @Test func theWrittenGraphFileAndWeightsRerunIdentically() throws {
        let name = "torch_mobile_legacy"
        let imported = try ONNXImporter.importModel(path: fixture(name, ".onnx"))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("graphc-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let graphPath = folder.appendingPathComponent("net.graph").path, weightsPath = folder.appendingPathComponent("net.safetensors").path
        try imported.source.write(toFile: graphPath, atomically: true, encoding: .utf8)
        try Safetensors.write(imported.weights, to: weightsPath)

        let graph = try GraphFile.evaluate(path: graphPath, options: .quiet).graph
        let fromFiles = try WeightStore.load(safetensors: weightsPath, for: graph)
        let input = try NumPyFile.read(path: fixture(name, ".input.npy"))
        let direct = try run(imported.source, weights: imported.weightStore(), input: input, inputName: "image")
        let reread = try run(String(contentsOfFile: graphPath, encoding: .utf8), weights: fromFiles, input: input, inputName: "image")
        #expect(direct.data == reread.data)
        // The placeholder keeps the ONNX input's name and NCHW layout, its batch unknown as exported.
        #expect(graph.placeholders.map(\.name) == ["image"])
        #expect(graph.placeholders[0].shape == TensorShape([nil, 3, 32, 32]))
        // Layers are slim's, their scopes the PyTorch modules'.
        #expect(graph.variables.map(\.name).contains("se.fc1/weights"))
        #expect(graph.variables.map(\.name).contains("post_add_bn/moving_variance"))
    }

    /// A model built here: `Relu`, two ops graphc does not have, and an `Add` reading one of
    /// them (not reported: it is supported, its input is what is missing).
    func model(opset: Int64 = 17, nodes: [(String, [String], String)], inputShape: [Int] = [1, 4],
               initializers: [(String, [Int], [Float])] = []) throws -> Data {
        var g = Onnx_GraphProto()
        for (name, dims, values) in initializers {
            var t = Onnx_TensorProto()
            t.name = name; t.dims = dims.map(Int64.init); t.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue); t.floatData = values
            g.initializer.append(t)
        }
        g.name = "m"
        for (type, inputs, output) in nodes {
            var n = Onnx_NodeProto()
            n.opType = type; n.input = inputs; n.output = [output]; n.name = "/" + output + "/" + type
            g.node.append(n)
        }
        var input = Onnx_ValueInfoProto()
        input.name = "x"
        var tensor = Onnx_TypeProto.Tensor()
        tensor.elemType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        var shape = Onnx_TensorShapeProto()
        for d in inputShape { var dim = Onnx_TensorShapeProto.Dimension(); dim.dimValue = Int64(d); shape.dim.append(dim) }
        tensor.shape = shape
        input.type.tensorType = tensor
        g.input = [input]
        var output = Onnx_ValueInfoProto()
        output.name = nodes.last!.2
        g.output = [output]
        var m = Onnx_ModelProto()
        m.irVersion = 8
        m.graph = g
        var set = Onnx_OperatorSetIdProto()
        set.version = opset
        m.opsetImport = [set]
        return try m.serializedData()
    }

    @Test func everyUnsupportedNodeIsReportedAtOnce() throws {
        let data = try model(nodes: [("Relu", ["x"], "r"), ("TopK", ["r"], "k"), ("Einsum", ["r"], "e"), ("Add", ["k", "e"], "y")])
        #expect(throws: ONNXImportError("m.onnx: 2 nodes cannot be imported:\n  TopK '/k/TopK'\n  Einsum '/e/Einsum'")) {
            _ = try ONNXImporter.importModel(data: data, path: "m.onnx")
        }
    }

    @Test func malformedModelsAreErrorsNotCrashes() throws {
        // Conv weights for 1 input channel on a 3-channel input; an Add missing an input; a
        // bias of the wrong length; Unsqueeze axes out of range.
        let conv = try model(nodes: [("Conv", ["x", "w"], "y")], inputShape: [1, 3, 5, 5],
                             initializers: [("w", [8, 1, 3, 3], [Float](repeating: 0.1, count: 72))])
        #expect(throws: ONNXImportError("m.onnx: node Conv '/y/Conv': weights [8, 1, 3, 3] in 1 group do not fit the input [1, 3, 5, 5]")) {
            _ = try ONNXImporter.importModel(data: conv, path: "m.onnx")
        }
        let add = try model(nodes: [("Add", ["x", ""], "y")])
        #expect(throws: ONNXImportError.self) { _ = try ONNXImporter.importModel(data: add, path: "m.onnx") }
        let bias = try model(nodes: [("Conv", ["x", "w", "b"], "y")], inputShape: [1, 1, 5, 5],
                             initializers: [("w", [2, 1, 1, 1], [1, 2]), ("b", [3], [0, 0, 0])])
        #expect(throws: ONNXImportError.self) { _ = try ONNXImporter.importModel(data: bias, path: "m.onnx") }
    }

    @Test func opsetsOutsideTheSupportedRangeAndNonModelsAreRefused() throws {
        #expect(throws: ONNXImportError("m.onnx: opset 22 is not supported (graphc imports opsets 7 to 21)")) {
            _ = try ONNXImporter.importModel(data: try model(opset: 22, nodes: [("Relu", ["x"], "y")]), path: "m.onnx")
        }
        #expect(throws: ONNXImportError.self) { _ = try ONNXImporter.importModel(data: Data("not a model".utf8), path: "bad.onnx") }
        // A model that imports: one line per op, and the file evaluates.
        let ok = try ONNXImporter.importModel(data: try model(nodes: [("Relu", ["x"], "y")]), path: "m.onnx")
        #expect(ok.source.contains("y = relu(x)\n") && ok.source.contains("output(reshape(y, [1, 4], name='y'))"))
    }
}
