import GraphcIR

/// Prepares every computing node's step from its kernel entry (`KernelTable`).
enum StepCompiler {
    /// Each step with the node it computes, in schedule order.
    static func steps(_ model: CompiledModel, _ binding: ArenaBinding, _ options: RunOptions) throws(RuntimeError) -> [(node: NodeID, step: Step)] {
        var steps: [(node: NodeID, step: Step)] = []
        for node in model.graph.nodes where !node.op.isSource {
            let area = model.assignment.scratchArea(for: node.id)
            let context = StepContext(node: node, shapes: model.shapes, pointers: binding.pointers, scratch: binding.scratch(area),
                                      scratchElements: area?.elements ?? 0, threads: options.threads)
            let entry = options.reference ? KernelTable.reference(node.op) : KernelTable.fast(node.op)
            if let step = try entry(context) { steps.append((node.id, step)) }
        }
        return steps
    }
}
