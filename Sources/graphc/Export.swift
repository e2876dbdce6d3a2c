import ArgumentParser
import Foundation
import GraphcCompiler
import GraphcFormats
import GraphcIR
import GraphcONNX

/// `graphc export FILE.graph --onnx -o model.onnx`: the network as written, with its weights,
/// as an ONNX model taking and returning the same NHWC arrays as `graphc run`.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a graph with its weights as an ONNX model (opset 13), for ONNX Runtime or Netron.",
        discussion: """
        The model takes and returns the arrays `graphc run` does (NHWC); inside, 4-D values are \
        NCHW, ONNX's own layout, so convolutions and pools are native ONNX ops. The graph is \
        written as evaluated, before graphc's optimizations: ONNX Runtime makes its own.
        """)

    @OptionGroup var graph: GraphOptions

    @Flag(help: "Write ONNX (the one format export writes today).")
    var onnx = false

    @Option(help: ArgumentHelp("Weights as a safetensors file; without it, seeded initial values.", valueName: "file.safetensors"))
    var weights: String?

    @Option(help: "Seed of the initial weights when no --weights is given.")
    var seed: UInt64 = 0

    @Option(name: .shortAndLong, help: ArgumentHelp("The ONNX file to write.", valueName: "model.onnx"))
    var output: String

    func validate() throws {
        guard onnx else { throw ValidationError("say which format to write: --onnx") }
    }

    func run() throws {
        try graph.requireGraphFile("a compiled plan holds optimized ops; export the graph file it was compiled from")
        try OutputPath.check(output)
        let evaluated = try graph.evaluate(printing: false, fillBatch: graph.batch != nil, inputs: try graph.readInputFiles()).graph
        try reportingErrors { try Compiler.checkWeightBudget(evaluated, options: CompileOptions(batch: graph.batch)) }
        let store = try reportingErrors { () throws -> WeightStore in
            if let weights { return try WeightStore.load(safetensors: weights, for: evaluated) }
            if graph.isONNX { return try graph.importedONNX().weightStore(for: evaluated) }
            return WeightStore.initialize(evaluated, seed: seed)
        }
        if weights == nil, !graph.isONNX { Stderr.write("graphc: note: no --weights: the model holds seeded initial values (seed \(seed))\n") }
        let name = URL(fileURLWithPath: graph.file).deletingPathExtension().lastPathComponent
        let data: Data
        do {
            data = try ONNXExporter.export(evaluated, weights: store, name: name)
        } catch {
            Stderr.write("graphc: error: \(graph.file): \(error)\n")
            throw ExitCode(1)
        }
        do {
            try data.write(to: URL(fileURLWithPath: output))
        } catch {
            Stderr.write("graphc: error: cannot write \(output): \(error.localizedDescription)\n")
            throw ExitCode(1)
        }
        print("wrote \(output): \(evaluated.nodes.filter { !$0.op.isSource }.count) ops, \(evaluated.variables.count) weight tensors, \(data.count) bytes")
    }
}
