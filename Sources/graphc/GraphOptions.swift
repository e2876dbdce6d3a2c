import ArgumentParser
import Foundation
import GraphcDiagnostics
import GraphcFrontend
import GraphcIR
import GraphcRuntime

/// The options every command that reads a graph file shares.
struct GraphOptions: ParsableArguments {
    @Argument(help: "The graph file (.graph).")
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
        _ = try parsedInputs()
        _ = try parsedInputFiles()
    }

    func parsedDefinitions() throws -> [(name: String, value: String)] {
        try definitions.map { d in
            guard let eq = d.firstIndex(of: "="), eq != d.startIndex else {
                throw ValidationError("-D takes name=value, got '\(d)'")
            }
            return (String(d[..<eq]), String(d[d.index(after: eq)...]))
        }
    }

    /// `--input NAME=file.npy` entries: name, path and the shape in the file's header.
    func parsedInputFiles() throws -> [(name: String, path: String, dims: [Int])] {
        try input.compactMap { spec in
            guard let eq = spec.firstIndex(of: "="), spec.hasSuffix(".npy") else { return nil }
            let path = String(spec[spec.index(after: eq)...])
            do {
                return (String(spec[..<eq]), path, try NumPyFile.read(path: path).shape)
            } catch {
                throw ValidationError("--input \(spec): \(error)")
            }
        }
    }

    func parsedInputs() throws -> [(name: String, dims: [Int?])] {
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

    var evaluationOptions: EvaluationOptions {
        var o = EvaluationOptions()
        o.definitions = (try? parsedDefinitions()) ?? []
        o.batch = batch
        o.inputShapes = (try? parsedInputs()) ?? []
        o.inputData = (try? parsedInputFiles()) ?? []
        o.searchPaths = importPaths
        return o
    }

    /// Whether FILE is a compiled plan rather than a graph file.
    var isPlan: Bool { file.hasSuffix(".gplan") }

    /// Loads a compiled plan; graph-file options do not apply to it.
    func loadPlan(weights: String? = nil) throws -> PlanFile.Loaded {
        if !definitions.isEmpty { throw RuntimeError("-D applies to graph files; \(file) was compiled with its definitions") }
        if weights != nil { throw RuntimeError("--weights applies to graph files; \(file) holds its folded weights") }
        if input.contains(where: { !$0.hasSuffix(".npy") }) { throw RuntimeError("--input NAME=shape applies to graph files; feed a compiled plan .npy files") }
        return try PlanFile.read(path: file)
    }

    /// Evaluates the graph file; warnings go to stderr, errors exit with status 1.
    /// `fillBatch: false` keeps unknown batches unknown (what `compile` plans for --batch).
    func evaluate(printing: Bool = true, fillBatch: Bool = true) throws -> EvaluationResult {
        var options = evaluationOptions
        if !printing { options.printSink = { _ in } }
        if !fillBatch { options.batch = nil }
        do {
            let result = try GraphFile.evaluate(path: file, options: options)
            for w in result.warnings { Stderr.write(w.rendered()) }
            return result
        } catch {
            for d in error.diagnostics { Stderr.write(d.rendered()) }
            throw ExitCode(1)
        }
    }
}

enum Stderr {
    static func write(_ text: String) {
        FileHandle.standardError.write(text.data(using: .utf8)!)
    }
}
