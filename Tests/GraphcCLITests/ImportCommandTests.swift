import Foundation
import GraphcFormats
import GraphcIR
import GraphcTestSupport
import Testing

/// `graphc import` and the commands that take a .onnx file directly, as a user runs them.
@Suite struct ImportCommandTests {
    let cli = CLITests()
    let folder = CLITests.temporaryFolder("graphc-import")
    let model = "Tests/Fixtures/onnx/torch_mobile_legacy.onnx"

    @Test func runTakesAnONNXModelAndItsNCHWInput() throws {
        let out = folder.appendingPathComponent("y.npy").path
        let run = try cli.graphc("run", model, "--input", "image=Tests/Fixtures/onnx/torch_mobile_legacy.input.npy", "--output", out)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("probabilities:0 (2, 10)"), "\(run.stdout)")
        let expected = try NumPyFile.read(path: Repository.path("Tests/Fixtures/onnx/torch_mobile_legacy.output.npy"))
        let got = try NumPyFile.read(path: out)
        #expect(zip(got.data, expected.data).allSatisfy { abs($0 - $1) <= 1e-5 })
        // No note about seeded weights: the model holds its own.
        #expect(!run.stderr.contains("no --weights"))
        let shapes = try cli.graphc("shapes", model, "--batch", "4")
        #expect(shapes.status == 0, "\(shapes.stderr)")
        #expect(shapes.stdout.contains("se.fc1/Conv2D") && shapes.stdout.contains("(4, 10)"), "\(shapes.stdout)")
    }

    @Test func importWritesAGraphFileAndWeightsThatRunLikeTheModel() throws {
        let graph = folder.appendingPathComponent("net.graph").path
        let imported = try cli.graphc("import", model, "-o", graph)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("net.safetensors (20 variables"), "\(imported.stdout)")
        let weights = folder.appendingPathComponent("net.safetensors").path
        let a = folder.appendingPathComponent("a.npy").path, b = folder.appendingPathComponent("b.npy").path
        let input = "image=Tests/Fixtures/onnx/torch_mobile_legacy.input.npy"
        #expect(try cli.graphc("run", graph, "--weights", weights, "--input", input, "--output", a).status == 0)
        #expect(try cli.graphc("run", model, "--input", input, "--output", b).status == 0)
        #expect(try NumPyFile.read(path: a).data == NumPyFile.read(path: b).data)
    }

    @Test func importRefusesWeightsForAModelAndNamesUnreadableFiles() throws {
        let run = try cli.graphc("run", model, "--weights", "Tests/Fixtures/data/torch_block1.weights.safetensors")
        #expect(run.status == 1)
        #expect(run.stderr.contains("--weights applies to graph files; \(model) holds its weights"), "\(run.stderr)")
        let missing = try cli.graphc("run", "nowhere.onnx")
        #expect(missing.status == 1)
        #expect(missing.stderr == "graphc: error: cannot read ONNX model nowhere.onnx\n")
        let notGraph = try cli.graphc("import", model, "-o", folder.appendingPathComponent("x.txt").path)
        #expect(notGraph.status == 1 && notGraph.stderr.contains("-o names the graph file to write (.graph)"))
    }
}
