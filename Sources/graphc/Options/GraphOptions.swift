import ArgumentParser
import Foundation
import GraphcDiagnostics
import GraphcFormats
import GraphcFrontend
import GraphcIR
import GraphcONNX

/// The options every command that reads a graph shares, and the one place that decides
/// whether FILE is a graph file or a compiled plan.
struct GraphOptions: ParsableArguments {
    @Argument(help: "The graph file (.graph), ONNX model (.onnx) or compiled plan (.gplan).")
    var file: String

    @Option(name: .customShort("D"), help: ArgumentHelp("Define a flag the graph reads with flag(name, default), e.g. -D depth=152.", valueName: "name=value"))
    var definitions: [String] = []

    @Option(parsing: .unconditional, help: "Batch size for placeholders whose batch is None.")
    var batch: Int?

    @Option(help: ArgumentHelp("Feed a placeholder: --input input=x.npy (the file's data; its shape fills the placeholder's unknown dimensions; --input x.npy feeds the only placeholder), or give a shape, --input input=1,224,224,3 (? or -1 for unknown).", valueName: "[name=]file.npy|name=d0,d1,..."))
    var input: [String] = []

    @Option(name: .customShort("I"), help: ArgumentHelp("Add a folder to search for imported graph files.", valueName: "dir"))
    var importPaths: [String] = []

    @Option(parsing: .unconditional, help: ArgumentHelp("The most statements and calls evaluating the graph file may take.", valueName: "n"))
    var maxSteps = EvaluationOptions.defaultMaxSteps

    func validate() throws {
        if let batch, batch < 1 { throw ValidationError("--batch must be at least 1, got \(batch)") }
        if maxSteps < 1 { throw ValidationError("--max-steps must be at least 1, got \(maxSteps)") }
        _ = try parsedDefinitions()
        _ = try parsedInputShapes()
        let files = inputFileSpecs()
        if files.count > 1, let bare = files.first(where: { $0.name == nil }) {
            throw ValidationError("--input \(bare.path) without a name feeds a graph's only placeholder; with several inputs, name each: NAME=file.npy")
        }
    }

    /// Whether FILE is a compiled plan rather than a graph file.
    var isPlan: Bool { file.hasSuffix(".gplan") }

    /// Whether FILE is an ONNX model, read as the graph file `graphc import` would write.
    var isONNX: Bool { file.lowercased().hasSuffix(".onnx") }

    /// The ONNX model translated (once per process), or the import error on stderr and exit 1.
    func importedONNX() throws -> ImportedModel {
        if let cached = ONNXImports.cache[file] { return cached }
        do {
            let model = try ONNXImporter.importModel(path: file)
            ONNXImports.cache[file] = model
            return model
        } catch {
            Stderr.write("graphc: error: \(error.message)\n")
            throw ExitCode(1)
        }
    }

    func parsedDefinitions() throws -> [(name: String, value: String)] {
        try definitions.map { d in
            guard let eq = d.firstIndex(of: "="), eq != d.startIndex else {
                throw ValidationError("-D takes name=value, got '\(d)'")
            }
            return (String(d[..<eq]), String(d[d.index(after: eq)...]))
        }
    }

    /// `--input NAME=file.npy` and `--input file.npy` entries: placeholder name (nil: the
    /// graph's only placeholder) and path.
    func inputFileSpecs() -> [(name: String?, path: String)] {
        input.compactMap { spec in
            guard spec.hasSuffix(".npy") else { return nil }
            guard let eq = spec.firstIndex(of: "="), eq != spec.startIndex else { return (nil, spec) }
            return (String(spec[..<eq]), String(spec[spec.index(after: eq)...]))
        }
    }

    /// `--input NAME=d0,d1,...` entries: placeholder name and shape (nil for unknown).
    func parsedInputShapes() throws -> [(name: String, dims: [Int?])] {
        try input.filter { !$0.hasSuffix(".npy") }.map { spec in
            guard let eq = spec.firstIndex(of: "="), eq != spec.startIndex else {
                throw ValidationError("--input takes file.npy, name=file.npy or name=d0,d1,..., got '\(spec)'")
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
        options.inputData = inputs.map { ($0.name, $0.tensor.shape, "--input " + $0.spec) }
        options.searchPaths = importPaths
        options.maxSteps = maxSteps
        options.maxStepsHint = "raise it with --max-steps"
        if !printing { options.printSink = { _ in } }
        let onnxSource = isONNX ? try importedONNX().source : nil
        do throws(DiagnosticError) {
            let result: EvaluationResult
            if let onnxSource {
                result = try GraphFile.evaluate(source: onnxSource, path: file, options: options)
            } else {
                result = try GraphFile.evaluate(path: file, options: options)
            }
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

/// A `--input NAME=file.npy` (or `--input file.npy`, for the only placeholder), read.
struct InputFile {
    var name: String?
    let path: String
    let tensor: HostTensor

    /// As the user wrote it.
    var spec: String { name.map { "\($0)=\(path)" } ?? path }

    /// `files` with every unnamed one naming `placeholders`' only member; an error naming the
    /// placeholders when there are several.
    static func named(_ files: [InputFile], placeholders: [String]) throws -> [InputFile] {
        try files.map { file in
            guard file.name == nil else { return file }
            guard placeholders.count == 1 else {
                Stderr.write("graphc: error: --input \(file.path): " + (placeholders.isEmpty ? "the graph has no placeholder to feed\n"
                             : "the graph has \(placeholders.count) placeholders (\(placeholders.joined(separator: ", "))); say which one it feeds, NAME=file\n"))
                throw ExitCode(1)
            }
            var named = file
            named.name = placeholders[0]
            return named
        }
    }
}

/// ONNX models already translated in this process, by path: a command that evaluates its
/// file and then loads its weights reads the model once.
enum ONNXImports {
    nonisolated(unsafe) static var cache: [String: ImportedModel] = [:]
}

enum Stderr {
    static func write(_ text: String) {
        FileHandle.standardError.write(text.data(using: .utf8)!)
    }
}

extension GraphOptions {
    /// Refuses a compiled plan for a command that reads a graph file, saying what a plan is for.
    func requireGraphFile(_ reason: String) throws {
        guard isPlan else { return }
        Stderr.write("graphc: error: \(file) is a compiled plan: \(reason)\n")
        throw ExitCode(1)
    }
}

/// Where a command will write: checked before any work, so a mistyped folder does not cost a run.
enum OutputPath {
    static func check(_ path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        var isFolder: ObjCBool = false
        let problem: String?
        if path.hasSuffix("/") || FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue {
            problem = "is a folder, not a file"
        } else if !folder.isEmpty, !(FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) && isFolder.boolValue) {
            problem = "cannot be written: there is no folder \(folder)"
        } else if !FileManager.default.isWritableFile(atPath: folder.isEmpty ? "." : folder) {
            problem = "cannot be written: the folder is not writable"
        } else {
            problem = nil
        }
        if let problem {
            Stderr.write("graphc: error: \(path) \(problem)\n")
            throw ExitCode(1)
        }
    }
}
