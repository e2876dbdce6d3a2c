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

/// `graphc run --image`, as a user runs it on a classifier.
@Suite struct ImageCommandTests {
    let cli = CLITests()

    @Test func imagesAreBatchedAndTheirClassesNamed() throws {
        let run = try cli.graphc("run", "Graphs/resnet18.graph", "--image", "Tests/Fixtures/images/scene.jpg",
                                 "--image", "Tests/Fixtures/images/scene.png", "--labels", "imagenet")
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "fc/BiasAdd:0 (2, 1000)")
        // One row per image, named by its file; classes by index and ImageNet name.
        let rows = lines.filter { $0.hasPrefix("  top-5 ") }
        #expect(rows.count == 2 && rows[0].hasPrefix("  top-5 Tests/Fixtures/images/scene.jpg: ") && rows[1].contains("scene.png: "))
        let first = try #require(rows[0].split(separator: ":").last?.split(separator: ",").first)
        let index = try #require(Int(first.split(separator: " ")[0]))
        #expect(first.contains(" \(ImageNetNames.name(index)) ("), "\(first)")
    }

    @Test func aChannelsFirstModelTakesImagesOfItsOwnSize() throws {
        let labels = CLITests.temporaryFolder("graphc-labels").appendingPathComponent("labels.txt").path
        try (0..<10).map { "class \($0)" }.joined(separator: "\n").write(toFile: labels, atomically: true, encoding: .utf8)
        let run = try cli.graphc("run", "Tests/Fixtures/onnx/torch_mobile_legacy.onnx", "--image", "Tests/Fixtures/images/gray.jpg",
                                 "--preprocess", "tf", "--labels", labels)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("probabilities:0 (1, 10)") && run.stdout.contains("gray.jpg: ") && run.stdout.contains("class "))
        let wrongSize = try cli.graphc("run", "Tests/Fixtures/onnx/torch_mobile_legacy.onnx", "--image", "Tests/Fixtures/images/gray.jpg", "--size", "64")
        #expect(wrongSize.status == 1 && wrongSize.stderr == "graphc: error: 'image' takes 32 x 32 images; --size 64 cannot feed it\n")
    }

    @Test func brokenImagesAreErrorsNamingTheFile() throws {
        let truncated = try cli.graphc("run", "Graphs/resnet18.graph", "--image", "Tests/Fixtures/images/truncated.jpg")
        #expect(truncated.status == 1)
        #expect(truncated.stderr.hasPrefix("graphc: error: Tests/Fixtures/images/truncated.jpg: corrupt or truncated JPEG: "), "\(truncated.stderr)")
        let text = try cli.graphc("run", "Graphs/resnet18.graph", "--image", "Tests/Fixtures/images/not_an_image.jpg")
        #expect(text.status == 1 && text.stderr.contains("not_an_image.jpg: not a JPEG or PNG image"))
        let both = try cli.graphc("run", "Graphs/resnet18.graph", "--image", "Tests/Fixtures/images/scene.jpg", "--input", "x.npy")
        #expect(both.status == 1 && both.stderr.contains("--image and --input both feed the model"))
        let preset = try cli.graphc("run", "Graphs/resnet18.graph", "--image", "Tests/Fixtures/images/scene.jpg", "--preprocess", "keras")
        #expect(preset.status == 1 && preset.stderr.contains("--preprocess takes torch, tf, vgg, caffe, none, got 'keras'"))
    }
}

/// The class names the CLI prints for --labels imagenet, read from the shipped source so the
/// test does not depend on the module.
enum ImageNetNames {
    static let all: [String] = {
        let text = (try? String(contentsOfFile: Repository.path("Sources/GraphcImages/ImageNetClasses.swift"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").filter { $0.hasPrefix("        \"") }.map { String($0.dropFirst(9).dropLast(2)) }
    }()
    static func name(_ i: Int) -> String { i < all.count ? all[i] : "?" }
}
