import Foundation
import GraphcCompiler
import GraphcFormats
import GraphcFrontend
import GraphcIR
import GraphcONNX
import GraphcRuntime
import GraphcTestSupport
import Testing

/// Docs/Library.md's second example (an ONNX model and a .gplan from Swift), compiled and run
/// here; the document must show exactly this code.
@Suite struct LibraryONNXExampleTests {
    func example() throws -> (probabilities: HostTensor, replanned: CompiledModel) {
        FileManager.default.changeCurrentDirectoryPath(Repository.root.path)
        // BEGIN EXAMPLE
        // An ONNX model: translated into a graph file's text and its weights, then as above.
        let imported = try ONNXImporter.importModel(path: "Tests/Fixtures/onnx/torch_mobile_legacy.onnx")
        let onnxGraph = try GraphFile.evaluate(source: imported.source, path: "model.onnx", options: .quiet).graph
        let onnxModel = try Compiler.compile(onnxGraph, weights: imported.weightStore(), source: "model.onnx",
                                             options: CompileOptions(batch: 2))
        // Its input keeps the model's name and layout: NCHW for a PyTorch export.
        let batch = HostTensor(shape: [2, 3, 32, 32], data: [Float](repeating: 0.1, count: 2 * 3 * 32 * 32))
        let probabilities = try Executor(model: onnxModel, options: RunOptions(threads: 2)).run([imported.inputs[0]: batch])[0]
        // imported.source is the text `graphc import` writes; with the weights
        // (try Safetensors.write(imported.weights, to: "net.safetensors")) it can be edited and run as a graph file.

        // A compiled plan on disk: written, read back, and planned again for another batch.
        let plan = NSTemporaryDirectory() + "model.gplan"
        try PlanFile.write(onnxModel, to: plan)
        let replanned = try Compiler.replan(try PlanFile.read(path: plan), options: CompileOptions(batch: 8))
        // END EXAMPLE
        try? FileManager.default.removeItem(atPath: plan)
        return (probabilities, replanned)
    }

    @Test func theExampleRuns() throws {
        let (probabilities, replanned) = try example()
        #expect(probabilities.shape == [2, 10])
        #expect(abs(probabilities.data.prefix(10).reduce(0, +) - 1) < 1e-5)
        #expect(replanned.shapes[replanned.outputs[0]] == [8, 10])
    }

    @Test func theDocumentShowsThisExample() throws {
        let code = try documentedExample(inFile: #filePath)
        let document = try String(contentsOfFile: Repository.path("Docs/Library.md"), encoding: .utf8)
        #expect(document.contains("```swift\n" + code + "```"), "Docs/Library.md's code block must be the example in \(#fileID)")
    }
}
