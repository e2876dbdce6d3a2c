/// The deterministic text form of a graph (`graphc dump`): one node a line,
///
///     %7 = Conv2D(%0, %6) {strides=[2, 2], padding=SAME} : (4, 48, 48, 64) "resnet/block1/Conv2D" @ a.graph:12:9
///
/// followed by an `outputs:` line. Docs/IR.md describes the format.
public enum IRPrinter {
    /// `annotations` are appended to their nodes' lines (buffer offsets once planned).
    public static func print(_ graph: Graph, locations: Bool = true, annotations: [NodeID: String] = [:]) -> String {
        var out = ""
        for node in graph.nodes {
            out += line(node, locations: locations)
            if let note = annotations[node.id] { out += " " + note }
            out += "\n"
        }
        out += "outputs: " + graph.outputs.map { "%\($0)" }.joined(separator: ", ") + "\n"
        return out
    }

    public static func line(_ node: Node, locations: Bool = true) -> String {
        var s = "%\(node.id) = \(node.op.typeName)"
        if !node.op.isSource || !node.inputs.isEmpty {
            s += "(" + node.inputs.map { "%\($0)" }.joined(separator: ", ") + ")"
        }
        let attrs = attributes(node.op)
        if !attrs.isEmpty { s += " {" + attrs.joined(separator: ", ") + "}" }
        s += " : \(node.shape) \"\(node.name)\""
        if locations, let loc = node.location { s += " @ \(loc)" }
        return s
    }

    /// `key=value` attribute strings, in a fixed order per op (the op's schema says which).
    public static func attributes(_ op: Op) -> [String] { op.schema.attributes }

    /// Shortest text that reads back as the same Float (`0.001`, `1e-05`).
    public static func formatFloat(_ v: Float) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int(v)) + ".0" }
        return "\(v)"
    }
}

extension IRPrinter {
    /// A compiled model's IR, each value annotated with its place in the arena,
    /// `[arena +offset, bytes]`, and a convolution's scratch, `; scratch +offset, bytes`.
    public static func print(_ model: CompiledModel, locations: Bool = true) -> String {
        var notes: [NodeID: String] = [:]
        for node in model.graph.nodes {
            guard let offset = model.assignment.valueOffset[node.id] else { continue }
            var note = "[arena +\(offset), \(model.shapes[node.id].reduce(1, *) * 4) bytes"
            if let s = model.assignment.scratchArea(for: node.id) { note += "; scratch +\(s.offset), \(s.elements * 4) bytes" }
            notes[node.id] = note + "]"
        }
        return print(model.graph, locations: locations, annotations: notes)
    }
}
