import Foundation
import GraphcIR
import GraphcPasses

/// Everything `graphc run` and `graphc bench` need, made ready: weights bound, inputs read or
/// generated, the plan built.
public struct PreparedRun {
    public let interpreter: Interpreter
    public let inputs: [NodeID: HostTensor]
    public let weights: WeightStore
    /// The graph that runs: after the optimizer's passes.
    public let graph: Graph
    /// What the user should know about defaults that were taken (seeded weights or inputs).
    public let notes: [String]
}

public enum Runner {
    /// Binds weights (from `weightsPath`, else a seeded initialisation), reads each placeholder's
    /// .npy from `inputFiles` (by placeholder name) or makes a seeded uniform [0, 1) input with an
    /// unknown batch taken as `batch`, and plans the graph.
    public static func prepare(graph: Graph, weightsPath: String?, inputFiles: [String: String], batch: Int, seed: UInt64 = 0,
                               options: RunOptions, pipeline: PipelineOptions = PipelineOptions()) throws -> PreparedRun {
        var notes: [String] = []
        let weights: WeightStore
        try MemoryBudget.checkWeights(graph.variables.map { $0.shape.elementCountPerUnknown })
        if let weightsPath {
            weights = try WeightStore.load(safetensors: weightsPath, for: graph)
        } else {
            weights = WeightStore.initialize(graph, seed: seed)
            if !graph.variables.isEmpty {
                notes.append("no --weights: the \(graph.variables.count) variables hold seeded initial values (seed \(seed))")
            }
        }
        let inputs = try readOrMakeInputs(graph, inputFiles: inputFiles, seed: seed, notes: &notes) { _, i in i == 0 ? batch : 1 }
        // Optimize, then find the placeholders again by name (ids change).
        var program = Program(graph: graph, weights: weights)
        try Pipeline.run(&program, options: pipeline)
        // Folding replaced some weights: free what the optimized graph no longer reads.
        program.weights.retain(only: Set(program.graph.variables.map(\.name)))
        var optimizedInputs: [NodeID: HostTensor] = [:]
        for p in program.graph.placeholders {
            if let old = graph.placeholders.first(where: { $0.name == p.name }), let t = inputs[old.id] { optimizedInputs[p.id] = t }
        }
        let interpreter = try Interpreter(graph: program.graph, weights: program.weights,
                                          inputShapes: optimizedInputs.mapValues(\.shape), options: options)
        return PreparedRun(interpreter: interpreter, inputs: optimizedInputs, weights: program.weights, graph: program.graph, notes: notes)
    }
}

extension Runner {
    /// Prepares a compiled plan: its optimized graph and weights as stored, its buffer
    /// assignment reused when the inputs have the shapes it was planned for.
    public static func prepare(plan: PlanFile.Loaded, inputFiles: [String: String], batch: Int?, seed: UInt64 = 0,
                               options: RunOptions) throws -> PreparedRun {
        let graph = plan.header.graph
        var notes: [String] = []
        let planned = plan.header.shapes
        if let batch, !graph.placeholders.contains(where: { $0.shape.dims.first.map { $0 == nil } ?? false }) {
            notes.append("--batch \(batch) has no effect: \(plan.path) was compiled for a fixed batch")
        }
        let inputs = try readOrMakeInputs(graph, inputFiles: inputFiles, seed: seed, notes: &notes) { p, i in
            i == 0 ? (batch ?? planned[p.id][0]) : planned[p.id][i]
        }
        let interpreter = try Interpreter(graph: graph, weights: plan.weights, inputShapes: inputs.mapValues(\.shape), options: options,
                                          compiled: (plan.header.shapes, plan.header.assignment))
        return PreparedRun(interpreter: interpreter, inputs: inputs, weights: plan.weights, graph: graph, notes: notes)
    }
}

extension Runner {
    /// Each placeholder's .npy from `inputFiles` (checked against its known dimensions), or a
    /// seeded uniform [0, 1) tensor whose unknown dimension i is `unknown(placeholder, i)`.
    static func readOrMakeInputs(_ graph: Graph, inputFiles: [String: String], seed: UInt64, notes: inout [String],
                                 unknown: (Node, Int) -> Int) throws -> [NodeID: HostTensor] {
        var inputs: [NodeID: HostTensor] = [:]
        var generated: [String] = []
        for p in graph.placeholders {
            if let path = inputFiles[p.name] {
                let t = try NumPyFile.read(path: path)
                guard t.shape.count == p.shape.rank, zip(t.shape, p.shape.dims).allSatisfy({ $1 == nil || $0 == $1! }) else {
                    throw FileFormatError(path, "holds shape \(TensorShape(t.shape.map { $0 })), but placeholder '\(p.name)' is \(p.shape)")
                }
                inputs[p.id] = t
            } else {
                let shape = p.shape.dims.enumerated().map { $0.element ?? unknown(p, $0.offset) }
                do { try GraphBuilder.checkSize(TensorShape(shape.map { $0 }), "input '\(p.name)'") } catch { throw RuntimeError(error.message) }
                try MemoryBudget.check(shape.reduce(1, *) * 4, "input '\(p.name)'")
                var rng = SeededRandom(seed: seed, name: p.name)
                inputs[p.id] = HostTensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in rng.uniform() })
                generated.append("'\(p.name)' \(TensorShape(shape.map { $0 }))")
            }
        }
        if !generated.isEmpty {
            notes.append("no --input for \(generated.joined(separator: ", ")): seeded uniform [0, 1) values (seed \(seed))")
        }
        return inputs
    }
}

/// The summary `graphc run` prints for an output: shape, min, max, mean and, for an
/// (N, classes) output, the top five classes of each row.
public enum OutputSummary {
    public static func describe(name: String, _ t: HostTensor, maxRows: Int = 8) -> String {
        var out = "\(name) \(TensorShape(t.shape.map { $0 }))\n"
        guard !t.data.isEmpty else { return out + "  (empty)\n" }
        var lo = Float.infinity, hi = -Float.infinity, sum: Double = 0
        for v in t.data { lo = min(lo, v); hi = max(hi, v); sum += Double(v) }
        out += "  min \(format(lo))  max \(format(hi))  mean \(format(Float(sum / Double(t.count))))\n"
        let classes = t.shape.last ?? 0
        let isClassifier = t.shape.count >= 2 && t.shape.dropFirst().dropLast().allSatisfy { $0 == 1 } && classes > 1
        guard isClassifier else { return out }
        let rows = t.count / classes
        for row in 0..<min(rows, maxRows) {
            let values = t.data[(row * classes)..<((row + 1) * classes)]
            let top = values.indices.sorted { values[$0] > values[$1] || (values[$0] == values[$1] && $0 < $1) }.prefix(5)
            out += "  top-5 row \(row): " + top.map { "\($0 - row * classes) (\(format(values[$0])))" }.joined(separator: ", ") + "\n"
        }
        if rows > maxRows { out += "  ... \(rows - maxRows) more rows\n" }
        return out
    }

    static func format(_ v: Float) -> String {
        if v.isNaN || v.isInfinite { return "\(v)" }
        let magnitude = abs(v)
        if magnitude != 0 && (magnitude < 1e-3 || magnitude >= 1e6) { return String(format: "%.4e", Double(v)) }
        return String(format: "%.6f", Double(v))
    }
}
