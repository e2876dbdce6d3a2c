import Foundation
import GraphcFormats
import GraphcIR
import GraphcTestSupport
import Testing

/// `graphc run`, `vars`, `init`, `convert` and `bench` as a user runs them.
@Suite struct RunCommandTests {
    let cli = CLITests()
    let folder = CLITests.temporaryFolder("graphc-run")

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

    @Test func compileAndVarsTakeTheShapeOfFedData() throws {
        // A placeholder of unknown size, fixed by the data: compile plans for it, vars sees
        // the weights its size implies.
        let graph = folder.appendingPathComponent("fed.graph").path
        try "x = placeholder(float32, [None, None, None, 4], name='x')\noutput(fully_connected(flatten(x), 3, scope='fc'))\n"
            .write(toFile: graph, atomically: true, encoding: .utf8)
        let data = "Tests/Fixtures/data/torch_residual_block.input.npy"   // 4 channels
        let shape = try NumPyFile.read(path: "\(CLITests.root.path)/\(data)").shape
        let vars = try cli.graphc("vars", graph, "--input", "x=\(data)")
        #expect(vars.status == 0, "\(vars.stderr)")
        #expect(vars.stdout.contains("fc/weights") && vars.stdout.contains("(\(shape[1] * shape[2] * shape[3]), 3)"), "\(vars.stdout)")
        let compile = try cli.graphc("compile", graph, "--input", "x=\(data)", "-o", folder.appendingPathComponent("fed.gplan").path)
        #expect(compile.status == 0, "\(compile.stderr)")
    }

    @Test func varsInitAndConvertRoundTrip() throws {
        let vars = try cli.graphc("vars", "Tests/Fixtures/torch_residual_block.graph", "-I", "Graphs")
        #expect(vars.status == 0)
        #expect(vars.stdout.contains("block/conv1/weights"))
        #expect(vars.stdout.hasSuffix("12 variables, 968 values\n"))

        let initial = folder.appendingPathComponent("init.safetensors").path
        let made = try cli.graphc("init", "Tests/Fixtures/torch_residual_block.graph", "-I", "Graphs", "-o", initial)
        #expect(made.status == 0)
        // slim's initial values: He-scaled truncated normal weights, zero biases and statistics.
        let file = try Safetensors.File(path: initial)
        #expect(file.names.count == 12)
        for name in file.names {
            let entry = file.entries[name]!
            var values = [Float](repeating: 0, count: entry.count)
            values.withUnsafeMutableBufferPointer { entry.copyFloats(into: $0.baseAddress!) }
            switch name.split(separator: "/").last! {
            case "weights":
                let stddev = (2 / Double(entry.shape.dropLast().reduce(1, *))).squareRoot()
                let sample = (values.map { Double($0) * Double($0) }.reduce(0, +) / Double(values.count)).squareRoot()
                #expect(values.allSatisfy { abs(Double($0)) <= 2 * stddev + 1e-6 }, "\(name) is cut at two standard deviations")
                // A normal cut at 2 sigma has a standard deviation of 0.88 sigma.
                #expect(abs(sample / stddev - 0.88) < 0.15, "\(name): sample stddev \(sample), expected about \(0.88 * stddev)")
            case "gamma", "moving_variance": #expect(values.allSatisfy { $0 == 1 }, "\(name)")
            default: #expect(values.allSatisfy { $0 == 0 }, "\(name)")
            }
        }
        let again = folder.appendingPathComponent("again.safetensors").path, other = folder.appendingPathComponent("other.safetensors").path
        _ = try cli.graphc("init", "Tests/Fixtures/torch_residual_block.graph", "-I", "Graphs", "-o", again)
        _ = try cli.graphc("init", "Tests/Fixtures/torch_residual_block.graph", "-I", "Graphs", "-o", other, "--seed", "1")
        #expect(try Data(contentsOf: URL(fileURLWithPath: again)) == Data(contentsOf: URL(fileURLWithPath: initial)), "deterministic")
        #expect(try Data(contentsOf: URL(fileURLWithPath: other)) != Data(contentsOf: URL(fileURLWithPath: initial)), "the seed matters")
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

/// `compile`, `dump --after`, `dot` and `plan` as a user runs them.
@Suite struct CompilerCommandTests {
    let cli = CLITests()
    let folder = CLITests.temporaryFolder("graphc-compile")

    @Test func compileReportsMemoryAndThePlanRunsLikeTheGraph() throws {
        let plan = folder.appendingPathComponent("small.gplan").path
        let compile = try cli.graphc("compile", "Tests/Fixtures/small_resnet.graph", "-I", "Graphs",
                                     "--weights", "Tests/Fixtures/data/small_resnet.weights.safetensors", "-o", plan)
        #expect(compile.status == 0, "\(compile.stderr)")
        #expect(compile.stdout.contains("planned arena"))
        #expect(compile.stdout.contains("(= lower bound)"))
        let fromPlan = try cli.graphc("run", plan, "--input", "x=Tests/Fixtures/data/small_resnet.input.npy")
        let fromGraph = try cli.graphc("run", "Tests/Fixtures/small_resnet.graph", "-I", "Graphs",
                                       "--weights", "Tests/Fixtures/data/small_resnet.weights.safetensors",
                                       "--input", "x=Tests/Fixtures/data/small_resnet.input.npy")
        #expect(fromPlan.status == 0, "\(fromPlan.stderr)")
        #expect(fromPlan.stdout == fromGraph.stdout)
        let misuse = try cli.graphc("run", plan, "--weights", "Tests/Fixtures/data/small_resnet.weights.safetensors")
        #expect(misuse.status == 1)
        #expect(misuse.stderr == "graphc: error: --weights applies to graph files; \(plan) holds its folded weights\n")
    }

    @Test func dumpAfterShowsEachPassAndThePlan() throws {
        let run = try cli.graphc("dump", "Tests/Fixtures/torch_residual_block.graph", "-I", "Graphs", "--after", "all", "--no-locations")
        #expect(run.status == 0, "\(run.stderr)")
        for pass in ["EliminateIdentities", "FoldConstants", "FoldBatchNorm", "FuseConvActivation", "FuseResidualAdd", "EliminateDeadCode", "PlanBuffers"] {
            #expect(run.stdout.contains("// after \(pass)"), "\(pass)")
        }
        #expect(run.stdout.contains("{strides=[2, 2], padding=VALID, bias, residual, activation=relu}"))
        #expect(run.stdout.contains("[arena +"))
        let bad = try cli.graphc("dump", "Tests/Fixtures/torch_residual_block.graph", "-I", "Graphs", "--after", "FoldBatchNorms")
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("unknown pass 'FoldBatchNorms'; did you mean 'FoldBatchNorm'?"))
    }

    @Test func dotAndPlanPicturesAreWritten() throws {
        let dot = folder.appendingPathComponent("g.dot").path, svg = folder.appendingPathComponent("p.svg").path
        let d = try cli.graphc("dot", "Graphs/resnet18.graph", "--after", "all", "-o", dot)
        #expect(d.status == 0)
        let text = try String(contentsOfFile: dot, encoding: .utf8)
        #expect(text.hasPrefix("digraph graphc {"))
        #expect(text.contains("subgraph cluster_"))
        #expect(text.contains("Conv2D +bias +residual +activation=relu"))
        let p = try cli.graphc("plan", "Graphs/resnet18.graph", "-o", svg)
        #expect(p.status == 0)
        let picture = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(picture.hasPrefix("<svg"))
        #expect(picture.contains("lower bound"))
    }

    @Test func benchProfileTimesEveryOpAndReportsWinogradErrors() throws {
        let r = try cli.graphc("bench", "Tests/Fixtures/small_resnet.graph", "-I", "Graphs", "--weights", "Tests/Fixtures/data/small_resnet.weights.safetensors",
                               "--iterations", "3", "--warmup", "1", "--threads", "2", "--profile")
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("first run ") })
        #expect(lines.contains { $0.hasPrefix("name") && $0.hasSuffix("vs exact") })
        // Every Winograd convolution has its error against the direct path, and it is small.
        let winograd = lines.filter { $0.contains("(Winograd)") }
        #expect(!winograd.isEmpty)
        for line in winograd {
            let error = Double(line.split(separator: " ").last!)!
            #expect(error < 1e-4, "\(line)")
        }
        #expect(lines.contains { $0.hasPrefix("total") })
        let byScope = try cli.graphc("bench", "Tests/Fixtures/small_resnet.graph", "-I", "Graphs", "--iterations", "2", "--warmup", "0",
                                     "--profile", "--depth", "1")
        #expect(byScope.status == 0, "\(byScope.stderr)")
        #expect(!byScope.stdout.contains("vs exact"))
    }

    @Test func exportWritesTheNetworkAndItsWeightsAsONNX() throws {
        let path = folder.appendingPathComponent("small_resnet.onnx").path
        let weights = "Tests/Fixtures/data/small_resnet.weights.safetensors"
        let r = try cli.graphc("export", "Tests/Fixtures/small_resnet.graph", "-I", "Graphs", "--onnx", "--weights", weights, "-o", path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("wrote \(path): "))
        // Every weight is in the model (transposed where ONNX's layout differs), as float32.
        let modelBytes = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        let weightBytes = try FileManager.default.attributesOfItem(atPath: "\(CLITests.root.path)/\(weights)")[.size] as! Int
        #expect(modelBytes > weightBytes * 9 / 10)
    }

    @Test func noReuseAndO0GiveTheSameOutput() throws {
        let base = ["run", "Tests/Fixtures/small_resnet.graph", "-I", "Graphs", "--weights", "Tests/Fixtures/data/small_resnet.weights.safetensors",
                    "--input", "x=Tests/Fixtures/data/small_resnet.input.npy"]
        let expected = try NumPyFile.read(path: "\(CLITests.root.path)/Tests/Fixtures/data/small_resnet.output.npy")
        var outputs: [String: HostTensor] = [:]
        for (name, extra) in [("default", []), ("no-reuse", ["--no-reuse"]), ("O0", ["-O0"]), ("no-residual-fusion", ["--disable-pass", "FuseResidualAdd"]),
                              ("no-winograd", ["--no-winograd"]), ("reference", ["--reference"])] {
            let path = folder.appendingPathComponent("\(name).npy").path
            let run = try cli.graphc(base + extra + ["--output", path])
            #expect(run.status == 0, "\(name): \(run.stderr)")
            outputs[name] = try NumPyFile.read(path: path)
            // Every way of running matches the framework (PyTorch, Tests/Fixtures/make_fixtures.py).
            #expect(Tensors.relativeError(outputs[name]!, expected) <= 1e-4, "\(name)")
        }
        // The same kernels with other buffers compute the same bits; other graphs agree closely.
        #expect(outputs["no-reuse"] == outputs["default"])
        // The default runs its 3x3 convolutions with Winograd, so it differs from the direct
        // convolutions of the others by float32 rounding.
        for name in ["O0", "no-residual-fusion", "no-winograd", "reference"] {
            #expect(Tensors.relativeError(outputs[name]!, outputs["default"]!) <= 1e-5, "\(name)")
        }
    }
}

/// Commands on unusual but legal inputs: an empty graph, a fixed-batch plan, a huge width.
@Suite struct EdgeCommandTests {
    let cli = CLITests()
    let folder = CLITests.temporaryFolder("graphc-edge")

    func file(_ name: String, _ text: String) throws -> String {
        let path = folder.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aGraphWithoutOpsCompilesAndPlans() throws {
        let graph = try file("empty.graph", "x = placeholder(float32, [1, 4])\n")
        let compile = try cli.graphc("compile", graph, "-o", folder.appendingPathComponent("empty.gplan").path)
        #expect(compile.status == 0, "\(compile.stderr)")
        let memory = try cli.graphc("shapes", graph, "--memory")
        #expect(memory.status == 0, "\(memory.stderr)")
        #expect(memory.stdout.contains("planned arena"))
    }

    @Test func aFixedBatchPlanSaysBatchHasNoEffect() throws {
        let plan = folder.appendingPathComponent("fixed.gplan").path
        _ = try cli.graphc("compile", "Tests/Fixtures/torch_block1.graph", "-o", plan)
        let run = try cli.graphc("run", plan, "--batch", "4")
        #expect(run.status == 0)
        #expect(run.stderr.contains("graphc: note: --batch 4 has no effect: \(plan) was compiled for a fixed batch"))
        #expect(run.stdout.hasPrefix("block1/BiasAdd:0 (2, 7, 8, 64)"))
    }

    @Test func aWidthTooLargeForMemoryIsAnErrorNotACrash() throws {
        let run = try cli.graphc("run", "Graphs/resnet18.graph", "-D", "num_classes=33000000")
        #expect(run.status == 1)
        #expect(run.stderr.contains("graphc: error: the weights (with their folded copies) would need"))
        #expect(run.stderr.contains("more than this machine's"))
    }

    @Test func aPlanCompiledForOneBatchRunsAnother() throws {
        let graph = try file("open.graph", "x = placeholder(float32, [None, 6, 6, 3], name='x')\noutput(fully_connected(flatten(conv2d(x, 4, 3)), 5))\n")
        let plan = folder.appendingPathComponent("open.gplan").path
        let compile = try cli.graphc("compile", graph, "--batch", "2", "-o", plan)
        #expect(compile.status == 0, "\(compile.stderr)")
        #expect(compile.stdout.contains("planned for batch 2 (other batches are planned at load time)"))
        let run = try cli.graphc("run", plan, "--batch", "3")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("fully_connected/Relu:0 (3, 5)"))
    }

    @Test func absurdBenchCountsAreRejected() throws {
        let run = try cli.graphc("bench", "Tests/Fixtures/torch_block1.graph", "--iterations", "9223372036854775807")
        #expect(run.status != 0)
        #expect(run.stderr.contains("--iterations must be between 1 and 1000000"))
    }
}
