import ArgumentParser
import Foundation
import GraphcFormats
import GraphcFrontend
import GraphcIR
import GraphcONNX

/// `graphc import model.onnx -o net.graph`: the model as a graph file the user can read, edit
/// and run, and its weights beside it (`net.safetensors`).
struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Translate an ONNX model into a graph file and a safetensors file of its weights.",
        discussion: """
        The graph file has one line per layer (slim's conv2d, batch_norm, fully_connected, ...), scopes named after the \
        model's parameters, and placeholders named and shaped as the model's inputs: a PyTorch export still takes and \
        returns NCHW arrays. Run it with: graphc run net.graph --weights net.safetensors --input NAME=x.npy. \
        run, shapes, compile, bench and dump also take the .onnx file itself, through the same translation.
        """)

    @Argument(help: "The ONNX model (.onnx); external data files are read from beside it.")
    var model: String

    @Option(name: .shortAndLong, help: ArgumentHelp("The graph file to write; the weights go beside it, with the extension .safetensors.", valueName: "net.graph"))
    var output: String

    @Option(help: ArgumentHelp("Write the weights here instead.", valueName: "file.safetensors"))
    var weights: String?

    func validate() throws {
        guard model.lowercased().hasSuffix(".onnx") else { throw ValidationError("import reads ONNX models (.onnx), got \(model)") }
        guard output.hasSuffix(".graph") else { throw ValidationError("-o names the graph file to write (.graph), got \(output)") }
    }

    func run() throws {
        let weightsPath = weights ?? (output as NSString).deletingPathExtension + ".safetensors"
        try OutputPath.check(output)
        try OutputPath.check(weightsPath)
        let imported: ImportedModel
        do { imported = try ONNXImporter.importModel(path: model) } catch {
            Stderr.write("graphc: error: \(error.message)\n")
            throw ExitCode(1)
        }
        // Never write a file that does not evaluate: check it as `run` will read it.
        do {
            _ = try GraphFile.evaluate(source: imported.source, path: output, options: .quiet)
        } catch {
            for d in error.diagnostics { Stderr.write(d.rendered()) }
            Stderr.write("graphc: error: the graph file translated from \(model) does not evaluate; this is a bug in graphc import\n")
            throw ExitCode(1)
        }
        do { try imported.source.write(toFile: output, atomically: true, encoding: .utf8) } catch {
            Stderr.write("graphc: error: cannot write \(output): \(error.localizedDescription)\n")
            throw ExitCode(1)
        }
        try reportingErrors {
            try Safetensors.write(imported.weights, metadata: ["producer": "graphc import", "source": (model as NSString).lastPathComponent], to: weightsPath)
        }
        let floats = imported.weights.reduce(0) { $0 + $1.tensor.data.count }
        let lines = imported.source.split(separator: "\n").filter { !$0.hasPrefix("#") }.count
        print("wrote \(output) (\(lines) lines) and \(weightsPath) (\(imported.weights.count) variables, \(String(format: "%.1f", Double(floats * 4) / 1048576)) MiB)")
        print("inputs: \(imported.inputs.joined(separator: ", ")); outputs: \(imported.outputs.joined(separator: ", "))")
    }
}
