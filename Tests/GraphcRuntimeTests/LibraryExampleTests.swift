import Foundation
import GraphcCompiler
import GraphcFormats
import GraphcFrontend
import GraphcIR
import GraphcRuntime
import GraphcTestSupport
import Testing

/// Docs/Library.md's example, compiled and run here: the text between the markers below is the
/// document's code block, character for character, so the document cannot drift from the API.
@Suite struct LibraryExampleTests {
    func example() throws -> (best: Int, model: CompiledModel) {
        FileManager.default.changeCurrentDirectoryPath(Repository.root.path)
        // BEGIN EXAMPLE
        // 1. A graph: evaluate a graph file (its prints go nowhere with .quiet).
        let graph = try GraphFile.evaluate(path: "Graphs/resnet18.graph", options: .quiet).graph

        // 2. Its weights: a safetensors file named by the graph's variables
        //    (try WeightStore.load(safetensors: "resnet18.safetensors", for: graph)), or seeded values.
        let weights = WeightStore.initialize(graph, seed: 0)

        // 3. Compile: the optimizer's passes, shapes for batch 1, one planned arena.
        let model = try Compiler.compile(graph, weights: weights, source: "resnet18", options: CompileOptions(batch: 1))
        //    A compiled plan is the same thing on disk:
        //    try PlanFile.write(model, to: "resnet18.gplan"); let loaded = try PlanFile.read(path: "resnet18.gplan")

        // 4. Run on Swift arrays. An executor owns an arena: use one per thread; the model is shared.
        let executor = try Executor(model: model, options: RunOptions(threads: 2))
        let image = HostTensor(shape: [1, 224, 224, 3], data: [Float](repeating: 0.5, count: 224 * 224 * 3))
        let outputs = try executor.run(["input": image])

        // 5. Read the outputs, in model.outputs order.
        let logits = outputs[0]                                     // shape [1, 1000]
        let best = logits.data.indices.max { logits.data[$0] < logits.data[$1] }!
        print("class \(best), logit \(logits.data[best])")
        // END EXAMPLE
        return (best, model)
    }

    @Test func theExampleRuns() throws {
        let (best, model) = try example()
        #expect(model.graph[model.outputs[0]].tensorName == "fc/BiasAdd:0")
        #expect((0..<1000).contains(best))
    }

    @Test func theDocumentShowsThisExample() throws {
        let code = try documentedExample(inFile: #filePath)
        let document = try String(contentsOfFile: Repository.path("Docs/Library.md"), encoding: .utf8)
        #expect(document.contains("```swift\n" + code + "```"), "Docs/Library.md's code block must be the example in \(#fileID)")
    }
}
