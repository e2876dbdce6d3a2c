import GraphcIR

/// A compiled model's buffer assignment made real for one execution context: one arena
/// allocated at its planned size and a pointer for every node — weights where the model keeps
/// them, constants in owned copies, views at their input's memory, everything else at its
/// planned offset in the arena.
final class ArenaBinding {
    let arena: UnsafeMutableRawPointer
    let arenaBytes: Int
    /// The memory of each node's value.
    private(set) var pointers: [UnsafeMutablePointer<Float>]
    private var constants: [UnsafeMutableBufferPointer<Float>] = []

    init(_ model: CompiledModel) throws(RuntimeError) {
        let assignment = model.assignment
        do {
            try MemoryBudget.check(assignment.arenaBytes.addingReportingOverflow(model.weightBytes).overflow ? Int.max : assignment.arenaBytes + model.weightBytes,
                                   "the arena of this plan with its weights")
        } catch {
            throw RuntimeError(error.message)
        }
        arenaBytes = max(assignment.arenaBytes, BufferAssignment.alignment)
        arena = UnsafeMutableRawPointer.allocate(byteCount: arenaBytes, alignment: BufferAssignment.alignment)
        arena.initializeMemory(as: UInt8.self, repeating: 0, count: arenaBytes)
        let base = arena.assumingMemoryBound(to: Float.self)
        pointers = [UnsafeMutablePointer<Float>](repeating: base, count: model.graph.nodes.count)
        for node in model.graph.nodes {
            switch node.op {
            case .variable:
                guard let p = model.weights[node.name] else {
                    arena.deallocate()
                    for c in constants { c.deallocate() }
                    throw RuntimeError("no value for variable '\(node.name)'")
                }
                pointers[node.id] = UnsafeMutablePointer(mutating: p)
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
