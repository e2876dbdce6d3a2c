import GraphcIR

/// LowerBatchNorm: every inference batch norm becomes the per-channel `ScaleShift` it is, with
/// `BatchNormOp.scaleAndShift` (scale = gamma / sqrt(var + eps), shift = beta - mean * scale)
/// computed once into two new variables, `<name>/scale` and `<name>/shift`. The batch norm's own
/// parameters are dropped when nothing else reads them. A lowering, not an optimization: it
/// runs at -O0 too, so kernels never see a batch norm and its formula exists once.
enum LowerBatchNorm {
    static let pass = Pass(name: "LowerBatchNorm", summary: "turn batch norms into per-channel ScaleShift (always runs)") { program in
        var editor = GraphEditor(program.graph)
        for original in program.graph.nodes {
            let node = editor.nodes[original.id]
            guard case let .batchNorm(epsilon, hasScale, hasOffset) = node.op else { continue }
            // The parameters' own length: the input's channel count may be unknown.
            guard let c = editor.nodes[node.input(.mean)!].shape.dims.first ?? nil else {
                throw PipelineError(message: "batch norm '\(node.name)' has parameters of unknown length")
            }
            func parameter(_ role: InputRole) throws -> [Float]? {
                guard let id = node.input(role) else { return nil }
                guard let values = editor.values(of: id, weights: program.weights, count: c) else {
                    throw PipelineError(message: "batch norm '\(node.name)' reads '\(editor.nodes[id].name)', which holds no known values")
                }
                return values
            }
            let (scale, shift) = BatchNormOp.scaleAndShift(gamma: hasScale ? try parameter(.gamma) : nil,
                                                           beta: hasOffset ? try parameter(.beta) : nil,
                                                           mean: try parameter(.mean)!, variance: try parameter(.variance)!,
                                                           epsilon: epsilon)
            let scaleName = editor.uniqueName(node.name + "/scale")
            let scaleID = editor.addVariable(scaleName, shape: [c], values: scale.map { Float($0) }, weights: program.weights, location: node.location)
            let shiftName = editor.uniqueName(node.name + "/shift")
            let shiftID = editor.addVariable(shiftName, shape: [c], values: shift.map { Float($0) }, weights: program.weights, location: node.location)
            program.exactValues[scaleName] = scale
            program.exactValues[shiftName] = shift
            editor.nodes[node.id].op = .scaleShift(nil)
            editor.nodes[node.id].inputs = [node.inputs[0], scaleID, shiftID]
        }
        program.graph = EliminateDeadCode.unusedSources(editor.finish())
    }
}
