import Foundation
import GraphcDiagnostics
import GraphcFrontend
import GraphcIR

/// What evaluating a graph file gave: its graph and the lines it printed.
struct Evaluated {
    let graph: Graph
    let printed: [String]
    let warnings: [Diagnostic]

    func node(_ name: String) -> Node? { graph.nodes.first { $0.name == name } }
    func variable(_ name: String) -> Node? { graph.nodes.first { $0.op == .variable && $0.name == name } }
}

private final class Lines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ s: String) { lock.lock(); lines.append(contentsOf: s.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }
}

/// The repository root, found from this file's path.
let repositoryRoot: URL = {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" {
        url.deleteLastPathComponent()
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
    }
    fatalError("Package.swift not found above \(#filePath)")
}()

func graphPath(_ name: String) -> String { repositoryRoot.appendingPathComponent("Graphs").appendingPathComponent(name).path }

func options(definitions: [(String, String)] = [], batch: Int? = nil, inputs: [(String, [Int?])] = [], sink: (@Sendable (String) -> Void)? = nil) -> EvaluationOptions {
    var o = EvaluationOptions()
    o.definitions = definitions.map { (name: $0.0, value: $0.1) }
    o.batch = batch
    o.inputShapes = inputs.map { (name: $0.0, dims: $0.1, origin: "--input \($0.0)") }
    o.printSink = sink
    return o
}

/// Evaluates graph-file text (or the file at `path` when `source` is nil).
func evaluate(_ source: String? = nil, path: String = "test.graph", definitions: [(String, String)] = [], batch: Int? = nil,
              inputs: [(String, [Int?])] = []) throws -> Evaluated {
    let lines = Lines()
    let o = options(definitions: definitions, batch: batch, inputs: inputs, sink: { lines.append($0) })
    let result = try source.map { try GraphFile.evaluate(source: $0, path: path, options: o) } ?? GraphFile.evaluate(path: path, options: o)
    return Evaluated(graph: result.graph, printed: lines.all, warnings: result.warnings)
}

/// The rendered diagnostics of a graph file that must fail, or nil when it succeeds.
func errorText(_ source: String, path: String = "test.graph", definitions: [(String, String)] = [],
               inputs: [(String, [Int?])] = []) -> String? {
    do {
        _ = try GraphFile.evaluate(source: source, path: path, options: options(definitions: definitions, inputs: inputs, sink: { _ in }))
        return nil
    } catch {
        return error.diagnostics.map { $0.rendered() }.joined()
    }
}

/// The first diagnostic of a failing graph file.
func firstError(_ source: String, definitions: [(String, String)] = []) -> Diagnostic? {
    do {
        _ = try GraphFile.evaluate(source: source, path: "test.graph", options: options(definitions: definitions, sink: { _ in }))
        return nil
    } catch {
        return error.diagnostics.first { $0.severity == .error }
    }
}

/// Converts an NCHW shape printed by PyTorch or Gluon to graphc's NHWC order.
func nhwc(_ nchw: [Int]) -> String {
    let dims = nchw.count == 4 ? [nchw[0], nchw[2], nchw[3], nchw[1]] : nchw
    return "(" + dims.map(String.init).joined(separator: ", ") + ")"
}
