/// Checks the invariants every pass must keep: inputs come earlier in the schedule, source
/// nodes have no inputs, names are unique, and each stored shape is what the rules infer.
public enum Verifier {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let problems: [String]
        public var description: String { "graph verification failed:\n" + problems.map { "  " + $0 }.joined(separator: "\n") }
    }

    public static func verify(_ graph: Graph) throws(Failure) {
        var problems: [String] = []
        var names = Set<String>()
        for (index, node) in graph.nodes.enumerated() {
            let label = "%\(index) '\(node.name)'"
            if node.id != index { problems.append("\(label) has id \(node.id)") }
            if !names.insert(node.name).inserted { problems.append("\(label): name used twice") }
            if node.op.isSource {
                if !node.inputs.isEmpty { problems.append("\(label): a \(node.op.typeName) has no inputs") }
                if node.shape.dims.contains(where: { ($0 ?? 0) < 0 }) { problems.append("\(label): negative dimension in \(node.shape)") }
                if case let .constant(values) = node.op, node.shape.elementCount != values.count {
                    problems.append("\(label): \(values.count) values for shape \(node.shape)")
                }
                continue
            }
            guard node.inputs.allSatisfy({ $0 >= 0 && $0 < index }) else {
                problems.append("\(label): inputs \(node.inputs) must come earlier in the schedule")
                continue
            }
            do {
                let shape = try ShapeInference.infer(node.op, inputs: node.inputs.map { graph[$0].shape })
                if shape != node.shape { problems.append("\(label): stored shape \(node.shape), inferred \(shape)") }
            } catch {
                problems.append("\(label): \(error.message)")
            }
        }
        for id in graph.markedOutputs where id < 0 || id >= graph.nodes.count {
            problems.append("output %\(id) is not a node")
        }
        if !problems.isEmpty { throw Failure(problems: problems) }
    }
}
