import Foundation
import GraphcDiagnostics
import GraphcIR

/// The graph built by evaluating a graph file, with what it printed and warned.
public struct EvaluationResult: Sendable {
    public let graph: Graph
    public let warnings: [Diagnostic]
    /// Whether `EvaluationOptions.batch` filled some placeholder's unknown batch.
    public let batchUsed: Bool
}

/// Evaluates graph files define-then-run: statements run like Python, ops add nodes to a
/// `GraphBuilder`, and no tensor arithmetic happens.
public enum GraphFile {
    /// Reads, parses and evaluates the graph file at `path`.
    public static func evaluate(path: String, options: EvaluationOptions = EvaluationOptions()) throws(DiagnosticError) -> EvaluationResult {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DiagnosticError(Diagnostic("cannot read graph file '\(path)'", at: nil))
        }
        let text: String
        do { text = try SourceDecoding.text(of: data, path: path) } catch { throw DiagnosticError(error) }
        return try evaluate(source: text, path: path, options: options)
    }

    /// Evaluates graph-file bytes, which must be UTF-8 (an error names the first byte that is not).
    public static func evaluate(bytes data: Data, path: String, options: EvaluationOptions = EvaluationOptions()) throws(DiagnosticError) -> EvaluationResult {
        let text: String
        do { text = try SourceDecoding.text(of: data, path: path) } catch { throw DiagnosticError(error) }
        return try evaluate(source: text, path: path, options: options)
    }

    /// Evaluates graph-file text; `path` names it in diagnostics and anchors imports.
    public static func evaluate(source: String, path: String, options: EvaluationOptions = EvaluationOptions()) throws(DiagnosticError) -> EvaluationResult {
        if options.usesCallingThread {
            return try Evaluator(options: options).run(file: SourceFile(path: path, text: source))
        }
        // Deep but legal recursion in a graph file must not overflow the caller's stack:
        // evaluate on a thread with a large stack of its own.
        let box = ResultBox()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.result = Result { () throws(DiagnosticError) -> EvaluationResult in
                let evaluator = Evaluator(options: options)
                return try evaluator.run(file: SourceFile(path: path, text: source))
            }
            done.signal()
        }
        thread.stackSize = options.stackBytes
        thread.start()
        done.wait()
        return try box.result!.get()
    }

    private final class ResultBox: @unchecked Sendable {
        var result: Result<EvaluationResult, DiagnosticError>?
    }
}

/// Tree-walking evaluator state: the builder, the arg_scope in force, imports and limits.
final class Evaluator {
    let builder = GraphBuilder()
    var argScope = ArgScope()
    let options: EvaluationOptions
    var warnings: [Diagnostic] = []
    /// slim's outputs collections (`collect_named_outputs`, `convert_to_dict`).
    var collections: [String: [(alias: String, value: Value)]] = [:]

    static let maxCallDepth = 200
    static let maxLoopIterations = 1_000_000
    static let maxSequenceLength = 10_000_000
    var callDepth = 0
    var loopIterations = 0
    var steps = 0

    var modules: [String: Module] = [:]
    var importStack: [String] = []
    var definitions: [String: (text: String, file: SourceFile)] = [:]
    var usedDefinitions: Set<String> = []
    var declaredFlags: [String] = []
    var placeholdersSeen: Set<String> = []
    /// Tensors TF would know no shape of (a squeeze without axes of a tensor with an unknown
    /// dimension, which might be 1 at run time): printed without a shape, as TF prints them.
    var shapeUnknownToTF: Set<NodeID> = []
    var batchUsed = false
    /// Every def and lambda made, so their closures (cycles through the scopes that hold them)
    /// can be dropped when evaluation ends.
    var functionsMade: [Function] = []
    /// Data for the only placeholder that did not fit the first one it met.
    var unnamedFeedMismatch: Diagnostic?

    /// The builtins, made on first use (a file that does not parse never needs them).
    var library: Library {
        if let libraryIfMade { return libraryIfMade }
        let made = Library(evaluator: self)
        libraryIfMade = made
        return made
    }
    private var libraryIfMade: Library?

    init(options: EvaluationOptions) {
        self.options = options
    }

    func run(file: SourceFile) throws(DiagnosticError) -> EvaluationResult {
        defer {
            for f in functionsMade { f.closure = nil }
            for m in modules.values { m.members.removeAll() }
            modules.removeAll()
            if let libraryIfMade { libraryIfMade.tearDown() }
        }
        do {
            for (name, value) in options.definitions {
                let text = "-D \(name)=\(value)"
                if definitions[name] != nil {
                    throw Diagnostic("-D \(name) is given twice", at: nil)
                }
                definitions[name] = (value, SourceFile(path: "<command line>", text: text))
            }
            _ = try evaluateModule(file: file, name: "__main__")
            for (name, _) in options.definitions where !usedDefinitions.contains(name) {
                let known = declaredFlags.isEmpty ? "it declares no flags" : "its flags are: " + declaredFlags.joined(separator: ", ")
                throw Diagnostic("-D \(name) is not used by \(file.path); \(known)" + Spelling.didYouMean(name, among: declaredFlags), at: nil)
            }
            if let unnamed = options.inputData.last(where: { $0.name == nil }), placeholdersSeen.isEmpty {
                throw Diagnostic("\(unnamed.origin): the graph has no placeholder to feed", at: nil)
            }
            if let unnamedFeedMismatch { throw unnamedFeedMismatch }
            let requested = options.inputShapes.map { ($0.name, $0.origin) } + options.inputData.compactMap { d in d.name.map { ($0, d.origin) } }
            for (name, origin) in requested where !placeholdersSeen.contains(name) {
                let known = placeholdersSeen.sorted().joined(separator: ", ")
                throw Diagnostic("\(origin): the graph has no placeholder named '\(name)'" + (known.isEmpty ? "" : "; placeholders: \(known)"), at: nil)
            }
        } catch let d as Diagnostic {
            throw DiagnosticError(warnings + [d])
        } catch {
            throw DiagnosticError(Diagnostic("internal error: \(error)", at: nil))
        }
        return EvaluationResult(graph: builder.graph, warnings: warnings, batchUsed: batchUsed)
    }

    /// Runs a file's statements in a fresh global environment and returns it as a module.
    func evaluateModule(file: SourceFile, name: String) throws -> Module {
        let body = try Parser.parse(file)
        let env = Environment(parent: nil)
        env.variables["__name__"] = .string(name)
        env.variables["__file__"] = .string(file.path)
        switch try exec(body, env) {
        case .normal: break
        case .returned(_, let r): throw Diagnostic("'return' outside a function", at: r)
        case .broke(let r), .continued(let r): throw Diagnostic("'break' or 'continue' outside a loop", at: r)
        }
        return Module(name: name, members: env.variables)
    }

    func warn(_ message: String, at range: SourceRange?) {
        warnings.append(Diagnostic(message, at: range, severity: .warning))
    }

    func print(_ text: String) {
        if let sink = options.printSink { sink(text) } else { Swift.print(text) }
    }

    /// Counts one statement or call against the evaluation's budget of steps.
    @inline(__always)
    func countStep(_ range: SourceRange) throws { try countSteps(1, range) }

    /// Counts `n` steps: a statement or call is one, and making a sequence costs one per eight
    /// elements, so a file cannot do unbounded work in few statements.
    func countSteps(_ n: Int, _ range: SourceRange) throws {
        steps = steps.addingReportingOverflow(n).overflow ? Int.max : steps + n
        if steps > options.maxSteps {
            throw Diagnostic("evaluation took more than \(options.maxSteps.formatted()) steps (statements, calls and elements made), its limit; a graph file must finish building its graph"
                             + (options.maxStepsHint.map { "; \($0)" } ?? ""), at: range)
        }
    }

    /// Counts one loop iteration against the budget that stops a runaway loop.
    func countIteration(_ loopRange: SourceRange) throws {
        loopIterations += 1
        if loopIterations > Self.maxLoopIterations {
            throw Diagnostic("loop ran more than \(Self.maxLoopIterations.formatted()) iterations; a graph file must finish building its graph", at: loopRange)
        }
    }
}

extension Int {
    /// `1,000,000`, for messages.
    func formatted() -> String {
        let digits = String(self)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return out
    }
}
