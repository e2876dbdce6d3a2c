import Dispatch
import GraphcIR

/// Runs a compiled model: binds its plan to one arena of its own, prepares every node's step
/// once (`StepCompiler`), then `run` copies the inputs in, performs the steps in schedule
/// order and copies the outputs out, allocating nothing per node. The model is shared and never
/// changed, so several executors can run one model on several threads at once; one executor
/// runs one inference at a time.
public final class Executor {
    public let model: CompiledModel
    public let options: RunOptions
    private let binding: ArenaBinding
    private let steps: [Step]
    /// The node each step computes.
    public let stepNodes: [NodeID]
    /// Placeholders by name, with their node ids, in graph order.
    private let inputs: [(name: String, id: NodeID)]

    public init(model: CompiledModel, options: RunOptions = RunOptions()) throws(RuntimeError) {
        if options.reference, model.assignment.inPlace {
            throw RuntimeError("the reference kernels need a plan in which no op writes over its input (compiled without reuse)")
        }
        self.model = model
        self.options = options
        BLAS.useCallingThreadOnly()
        binding = try ArenaBinding(model)
        let prepared = try StepCompiler.steps(model, binding, options)
        steps = prepared.map(\.step)
        stepNodes = prepared.map(\.node)
        inputs = model.graph.placeholders.map { ($0.name, $0.id) }
    }

    /// Bytes of the arena holding inputs, intermediates and scratch.
    public var arenaBytes: Int { model.assignment.arenaBytes }
    /// Bytes of the largest scratch area (inside the arena).
    public var scratchBytes: Int { model.memory.scratchBytes }

    /// Runs the model on `feeds` (one per placeholder, by name, in the planned shapes) and
    /// returns the outputs in `model.outputs` order.
    public func run(_ feeds: [String: HostTensor]) throws(RuntimeError) -> [HostTensor] {
        try load(feeds)
        execute()
        return model.outputs.map { id in
            HostTensor(shape: model.shapes[id], data: Array(UnsafeBufferPointer(start: binding.pointers[id], count: model.shapes[id].reduce(1, *))))
        }
    }

    /// The value node `id` holds now. After a run of a plan compiled without reuse every
    /// node keeps its value, so this reads any intermediate (`bench --profile` compares
    /// layers this way); with reuse, a buffer may since hold a later value.
    public func value(_ id: NodeID) -> HostTensor {
        HostTensor(shape: model.shapes[id], data: Array(UnsafeBufferPointer(start: binding.pointers[id], count: model.shapes[id].reduce(1, *))))
    }

    /// Copies `feeds` (one per placeholder, by name, in the planned shapes) into the inputs'
    /// buffers. Ops may overwrite an input's buffer in place, so each execution needs its own.
    public func load(_ feeds: [String: HostTensor]) throws(RuntimeError) {
        for (name, id) in inputs {
            guard let t = feeds[name] else { throw RuntimeError("no input for placeholder '\(name)'") }
            guard t.shape == model.shapes[id] else {
                throw RuntimeError("input '\(name)' has shape \(TensorShape(t.shape)), the plan was made for \(TensorShape(model.shapes[id]))")
            }
            t.data.withUnsafeBufferPointer { binding.pointers[id].update(from: $0.baseAddress!, count: t.count) }
        }
        if let unknown = feeds.keys.first(where: { name in !inputs.contains { $0.name == name } }) {
            throw RuntimeError("the model has no placeholder named '\(unknown)'; placeholders: " + inputs.map(\.name).joined(separator: ", "))
        }
    }

    /// Performs the prepared steps on whatever the input buffers hold (after `load`).
    public func execute() {
        for step in steps { step() }
    }

    /// `execute`, adding each step's time in nanoseconds to `nanoseconds[i]` (one entry per
    /// step, in `stepNodes` order). For `graphc bench --profile`: reading the clock around
    /// every step costs a little, so plain benchmarks use `execute`.
    public func execute(timingStepsInto nanoseconds: inout [UInt64]) {
        precondition(nanoseconds.count == steps.count, "one entry per step")
        var last = DispatchTime.now().uptimeNanoseconds
        for (i, step) in steps.enumerated() {
            step()
            let now = DispatchTime.now().uptimeNanoseconds
            nanoseconds[i] += now - last
            last = now
        }
    }
}
