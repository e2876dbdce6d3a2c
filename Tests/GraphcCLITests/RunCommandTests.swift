import Foundation
import Testing

/// `graphc run`, `vars`, `init`, `convert` and `bench` as a user runs them.
@Suite struct RunCommandTests {
    let cli = CLITests()
    let folder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("graphc-run-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    @Test func runsAFixtureWithWeightsAndInputAndWritesTheOutput() throws {
        let out = folder.appendingPathComponent("out.npy").path
        let run = try cli.graphc("run", "Tests/Fixtures/small_resnet.graph", "-I", "Graphs",
                                 "--weights", "Tests/Fixtures/data/small_resnet.weights.safetensors",
                                 "--input", "x=Tests/Fixtures/data/small_resnet.input.npy", "--output", out)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.isEmpty)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "classifier/BiasAdd:0 (2, 10)")
        #expect(lines.filter { $0.hasPrefix("  top-5 row ") }.count == 2)
        #expect(FileManager.default.fileExists(atPath: out))
    }

    @Test func runsEveryBundledGraphOutOfTheBox() throws {
        for graph in ["seed000_slim_resnet_mnist", "seed002_gluon_resnet", "seed003_pytorch_resnet"] {
            let run = try cli.graphc("run", "Graphs/\(graph).graph")
            #expect(run.status == 0, "\(graph): \(run.stderr)")
            #expect(run.stderr.contains("graphc: note: no --weights: the "), "\(graph)")
            #expect(run.stdout.contains("  min "), "\(graph)")
        }
    }

    @Test func badWeightsNameTheFileAndEveryVariable() throws {
        let run = try cli.graphc("run", "Tests/Fixtures/torch_residual_block.graph", "-I", "Graphs",
                                 "--weights", "Tests/Fixtures/data/torch_block1.weights.safetensors")
        #expect(run.status == 1)
        #expect(run.stderr.hasPrefix("graphc: error: Tests/Fixtures/data/torch_block1.weights.safetensors:\n"))
        #expect(run.stderr.contains("  missing variable 'block/conv1/weights' (3, 3, 4, 8) (the file has 'block1/weights')\n"))
        #expect(run.stderr.contains("  unexpected variable 'block1/weights' (7, 7, 3, 64): the graph has no such variable\n"))
    }

    @Test func anInputOfTheWrongShapeIsRejected() throws {
        let run = try cli.graphc("run", "Tests/Fixtures/torch_residual_block.graph", "-I", "Graphs",
                                 "--input", "x=Tests/Fixtures/data/torch_block1.input.npy")
        #expect(run.status == 1)
        #expect(run.stderr.contains("error: --input x=Tests/Fixtures/data/torch_block1.input.npy holds shape (2, 20, 21, 3), but placeholder 'x' is (2, 11, 11, 4)"))
    }

    @Test func varsInitAndConvertRoundTrip() throws {
        let vars = try cli.graphc("vars", "Tests/Fixtures/torch_residual_block.graph", "-I", "Graphs")
        #expect(vars.status == 0)
        #expect(vars.stdout.contains("block/conv1/weights"))
        #expect(vars.stdout.hasSuffix("12 variables, 968 values\n"))

        let initial = folder.appendingPathComponent("init.safetensors").path
        let made = try cli.graphc("init", "Tests/Fixtures/torch_residual_block.graph", "-I", "Graphs", "-o", initial)
        #expect(made.status == 0)
        let withFile = try cli.graphc("run", "Tests/Fixtures/torch_residual_block.graph", "-I", "Graphs", "--weights", initial)
        let without = try cli.graphc("run", "Tests/Fixtures/torch_residual_block.graph", "-I", "Graphs")
        #expect(withFile.status == 0 && without.status == 0)
        #expect(withFile.stdout == without.stdout)

        let converted = folder.appendingPathComponent("converted.safetensors").path
        let convert = try cli.graphc("convert", "Tests/Fixtures/small_resnet.graph", "-I", "Graphs",
                                     "--pytorch", "Tests/Fixtures/data/small_resnet.torch.safetensors", "-o", converted)
        #expect(convert.status == 0, "\(convert.stderr)")
        #expect(convert.stdout == "wrote 90 variables to \(converted)\n")
    }

    @Test func benchReportsLatencyThroughputAndMemory() throws {
        let run = try cli.graphc("bench", "Tests/Fixtures/small_resnet.graph", "-I", "Graphs", "--iterations", "3", "--warmup", "1", "--threads", "1")
        #expect(run.status == 0, "\(run.stderr)")
        for prefix in ["graph ", "latency     min ", "throughput  ", "compute     ", "memory      arena "] {
            #expect(run.stdout.contains(prefix), "\(prefix)")
        }
        #expect(run.stdout.contains("(batch 2, 1 thread)"))
    }
}
