import GraphcIR

/// A compiled model's buffer assignment made real for one execution context: one arena
/// allocated at its planned size and a pointer for every node — weights where the model keeps
/// them, constants in owned copies, views at their input's memory, everything else at its
/// planned offset in the arena.
final class ArenaBinding {
    let arena: UnsafeMutableRawPointer
    /// The memory of each node's value.
    let pointers: [UnsafeMutablePointer<Float>]
    private let constants: [UnsafeMutableBufferPointer<Float>]

    init(_ model: CompiledModel) throws(RuntimeError) {
        let assignment = model.assignment
        // Everything that can fail is checked before anything is allocated.
        for v in model.graph.variables where model.weights[v.name] == nil {
            throw RuntimeError("no value for variable '\(v.name)'")
        }
        do {
            let (total, overflow) = assignment.arenaBytes.addingReportingOverflow(model.weightBytes)
            try MemoryBudget.check(overflow ? Int.max : total, "the arena of this plan with its weights")
        } catch {
            throw RuntimeError(error.message)
        }
        let bytes = max(assignment.arenaBytes, BufferAssignment.alignment)
        arena = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: BufferAssignment.alignment)
        arena.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
        let base = arena.assumingMemoryBound(to: Float.self)
        var pointers = [UnsafeMutablePointer<Float>](repeating: base, count: model.graph.nodes.count)
        var constants: [UnsafeMutableBufferPointer<Float>] = []
        for node in model.graph.nodes {
            switch node.op {
            case .variable:
                pointers[node.id] = UnsafeMutablePointer(mutating: model.weights[node.name]!)
            case let .constant(values):
                let b = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(values.count, 1))
                _ = b.initialize(from: values)
                constants.append(b)
                pointers[node.id] = b.baseAddress!
            default:
                if node.op.schema.isView {
                    pointers[node.id] = pointers[node.inputs[0]]
                } else {
                    pointers[node.id] = (arena + (assignment.valueOffset[node.id] ?? 0)).assumingMemoryBound(to: Float.self)
                }
            }
        }
        self.pointers = pointers
        self.constants = constants
    }

    deinit {
        arena.deallocate()
        for c in constants { c.deallocate() }
    }

    /// The scratch area the plan gives `node`, if any.
    func scratch(_ area: BufferAssignment.ScratchArea?) -> UnsafeMutablePointer<Float>? {
        area.map { (arena + $0.offset).assumingMemoryBound(to: Float.self) }
    }
}
