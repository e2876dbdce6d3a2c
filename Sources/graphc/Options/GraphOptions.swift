import ArgumentParser
import Foundation
import GraphcDiagnostics
import GraphcFormats
import GraphcFrontend
import GraphcIR

/// The options every command that reads a graph shares, and the one place that decides
/// whether FILE is a graph file or a compiled plan.
struct GraphOptions: ParsableArguments {
    @Argument(help: "The graph file (.graph) or compiled plan (.gplan).")
    var file: String

    @Option(name: .customShort("D"), help: ArgumentHelp("Define a flag the graph reads with flag(name, default), e.g. -D depth=152.", valueName: "name=value"))
    var definitions: [String] = []

    @Option(help: "Batch size for placeholders whose batch is None.")
    var batch: Int?

    @Option(help: ArgumentHelp("Feed a placeholder: --input input=x.npy (the file's data; its shape fills the placeholder's unknown dimensions), or give a shape, --input input=1,224,224,3 (? or -1 for unknown).", valueName: "name=file.npy|d0,d1,..."))
    var input: [String] = []

    @Option(name: .customShort("I"), help: ArgumentHelp("Add a folder to search for imported graph files.", valueName: "dir"))
    var importPaths: [String] = []

    func validate() throws {
        if let batch, batch < 1 { throw ValidationError("--batch must be at least 1, got \(batch)") }
        _ = try parsedDefinitions()
        _ = try parsedInputShapes()
        _ = try inputFileSpecs()
    }

    /// Whether FILE is a compiled plan rather than a graph file.
    var isPlan: Bool { file.hasSuffix(".gplan") }

    func parsedDefinitions() throws -> [(name: String, value: String)] {
        try definitions.map { d in
            guard let eq = d.firstIndex(of: "="), eq != d.startIndex else {
                throw ValidationError("-D takes name=value, got '\(d)'")
            }
            return (String(d[..<eq]), String(d[d.index(after: eq)...]))
        }
    }

    /// `--input NAME=file.npy` entries: placeholder name and path.
    func inputFileSpecs() throws -> [(name: String, path: String)] {
        input.compactMap { spec in
            guard let eq = spec.firstIndex(of: "="), spec.hasSuffix(".npy") else { return nil }
            return (String(spec[..<eq]), String(spec[spec.index(after: eq)...]))
        }
    }

    /// `--input NAME=d0,d1,...` entries: placeholder name and shape (nil for unknown).
    func parsedInputShapes() throws -> [(name: String, dims: [Int?])] {
        try input.filter { !$0.hasSuffix(".npy") }.map { spec in
            guard let eq = spec.firstIndex(of: "="), eq != spec.startIndex else {
                throw ValidationError("--input takes name=file.npy or name=d0,d1,..., got '\(spec)'")
            }
            let dims = try spec[spec.index(after: eq)...].split(separator: ",", omittingEmptySubsequences: false).map { part -> Int? in
                let t = part.trimmingCharacters(in: .whitespaces)
                if t == "?" || t == "-1" || t.lowercased() == "none" { return nil }
                guard let v = Int(t), v >= 0 else { throw ValidationError("--input \(spec): '\(t)' is not a dimension") }
                return v
            }
            return (String(spec[..<eq]), dims)
        }
    }

    /// Reads every `--input NAME=file.npy` once.
    func readInputFiles() throws -> [InputFile] {
        try inputFileSpecs().map { spec in
            let tensor = try reportingErrors { try NumPyFile.read(path: spec.path) }
            return InputFile(name: spec.name, path: spec.path, tensor: tensor)
        }
    }

    /// Evaluates the graph file, fed `inputs`; warnings go to stderr, errors exit with status 1.
    /// `fillBatch: false` keeps unknown batches unknown (what `compile` plans for --batch).
    func evaluate(printing: Bool = true, fillBatch: Bool = true, inputs: [InputFile] = []) throws -> EvaluationResult {
        var options = EvaluationOptions()
        options.definitions = try parsedDefinitions()
        options.batch = fillBatch ? batch : nil
        options.inputShapes = try parsedInputShapes().map { ($0.name, $0.dims, "--input \($0.name)") }
        options.inputData = inputs.map { ($0.name, $0.tensor.shape, "--input \($0.name)=\($0.path)") }
        options.searchPaths = importPaths
        if !printing { options.printSink = { _ in } }
        do {
            let result = try GraphFile.evaluate(path: file, options: options)
            for w in result.warnings { Stderr.write(w.rendered()) }
            if let batch = options.batch, !result.batchUsed {
                Stderr.write("graphc: warning: --batch \(batch) has no effect: no placeholder has an unknown batch dimension\n")
            }
            return result
        } catch {
            for d in error.diagnostics { Stderr.write(d.rendered()) }
            throw ExitCode(1)
        }
    }
}

/// A `--input NAME=file.npy`, read.
struct InputFile {
    let name: String
    let path: String
    let tensor: HostTensor
}

enum Stderr {
    static func write(_ text: String) {
        FileHandle.standardError.write(text.data(using: .utf8)!)
    }
}
