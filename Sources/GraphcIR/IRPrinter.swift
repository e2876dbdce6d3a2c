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

    /// `key=value` attribute strings, in a fixed order per op.
    public static func attributes(_ op: Op) -> [String] {
        func pair(_ a: Int, _ b: Int) -> String { "[\(a), \(b)]" }
        switch op {
        case .placeholder, .variable, .biasAdd, .relu, .relu6, .sigmoid, .tanh, .softmax, .add, .mul:
            return []
        case let .matMul(e):
            return epilogue(e)
        case let .scaleShift(activation):
            return activation == .none ? [] : ["activation=\(activation.rawValue)"]
        case let .constant(values):
            return ["value=[" + values.map { formatFloat($0) }.joined(separator: ", ") + "]"]
        case let .conv2d(a):
            var r = ["strides=\(pair(a.strideH, a.strideW))", "padding=\(a.padding)"]
            if a.dilationH != 1 || a.dilationW != 1 { r.append("dilations=\(pair(a.dilationH, a.dilationW))") }
            return r + epilogue(a.epilogue)
        case let .batchNorm(eps, hasScale, hasOffset):
            return ["epsilon=\(formatFloat(eps))", "scale=\(hasScale)", "center=\(hasOffset)"]
        case let .maxPool(a), let .avgPool(a):
            var r = ["window=\(pair(a.windowH, a.windowW))", "strides=\(pair(a.strideH, a.strideW))", "padding=\(a.padding)"]
            if a.ceilMode { r.append("ceil_mode=true") }
            if case .avgPool = op, case .explicit = a.padding { r.append("count_include_pad=\(a.countIncludePad)") }
            return r
        case let .mean(axes, keep):
            return ["axes=\(listText(axes))", "keep_dims=\(keep)"]
        case let .concat(axis):
            return ["axis=\(axis)"]
        case let .pad(p):
            return ["paddings=[" + p.map { listText($0) }.joined(separator: ", ") + "]"]
        case let .squeeze(axes):
            return ["axes=\(listText(axes))"]
        case let .reshape(shape):
            return ["shape=[" + shape.map { $0.map(String.init) ?? "?" }.joined(separator: ", ") + "]"]
        case let .resizeBilinear(h, w):
            return ["size=\(pair(h, w))"]
        }
    }

    /// A fused epilogue: `bias`, `residual`, `activation=relu`.
    public static func epilogue(_ e: Epilogue) -> [String] {
        var r: [String] = []
        if e.bias { r.append("bias") }
        if e.residual { r.append("residual") }
        if e.activation != .none { r.append("activation=\(e.activation.rawValue)") }
        return r
    }

    /// Shortest text that reads back as the same Float (`0.001`, `1e-05`).
    public static func formatFloat(_ v: Float) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int(v)) + ".0" }
        return "\(v)"
    }
}
