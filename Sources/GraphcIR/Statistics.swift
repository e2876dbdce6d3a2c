/// Per-op parameter and multiply-add counts, and the table `graphc shapes` prints (what
/// Keras's `model.summary()` and slim's `model_analyzer` show).
public enum Statistics {
    public struct Row: Sendable, Equatable {
        public var name: String
        public var op: String
        public var shape: TensorShape
        public var parameters: Int
        public var multiplyAdds: Int
    }

    /// Parameters read by a node: the elements of the variables among its inputs.
    public static func parameters(of node: Node, in graph: Graph) -> Int {
        node.inputs.reduce(0) { sum, i in
            graph[i].op == .variable ? saturatingAdd(sum, graph[i].shape.elementCountPerUnknown) : sum
        }
    }

    /// Multiply-adds of a node (convolutions and matrix products; other ops count 0). An unknown
    /// batch counts as 1, so the figure is per example.
    public static func multiplyAdds(of node: Node, in graph: Graph) -> Int {
        switch node.op {
        case .conv2d:
            let w = graph[node.inputs[1]].shape
            return saturatingMul(node.shape.elementCountPerUnknown, (w[0] ?? 0) * (w[1] ?? 0) * (w[2] ?? 0))
        case .matMul:
            let w = graph[node.inputs[1]].shape
            return saturatingMul(node.shape.elementCountPerUnknown, w[0] ?? 0)
        default:
            return 0
        }
    }

    /// One row per computing node, in schedule order.
    public static func rows(_ graph: Graph) -> [Row] {
        graph.nodes.filter { !$0.op.isSource }.map {
            Row(name: $0.name, op: $0.op.typeName, shape: $0.shape,
                parameters: parameters(of: $0, in: graph), multiplyAdds: multiplyAdds(of: $0, in: graph))
        }
    }

    /// Rows grouped by the first `depth` components of their names: one row per block, in order of
    /// first appearance, showing the block's last output shape and the sums of its counts.
    public static func rows(_ graph: Graph, depth: Int) -> [Row] {
        var order: [String] = []
        var grouped: [String: Row] = [:]
        var opCounts: [String: Int] = [:]
        for row in rows(graph) {
            let key = row.name.split(separator: "/", omittingEmptySubsequences: false).prefix(max(1, depth)).joined(separator: "/")
            if var g = grouped[key] {
                g.shape = row.shape
                g.parameters = saturatingAdd(g.parameters, row.parameters)
                g.multiplyAdds = saturatingAdd(g.multiplyAdds, row.multiplyAdds)
                grouped[key] = g
            } else {
                order.append(key)
                grouped[key] = Row(name: key, op: row.op, shape: row.shape, parameters: row.parameters, multiplyAdds: row.multiplyAdds)
            }
            opCounts[key, default: 0] += 1
        }
        return order.map { key in
            var r = grouped[key]!
            if opCounts[key]! > 1 { r.op = "\(opCounts[key]!) ops" }
            return r
        }
    }

    /// The aligned text table with a totals line.
    public static func table(_ rows: [Row], batchKnown: Bool) -> String {
        var lines = [["name", "op", "output shape", "params", "multiply-adds"]]
        for r in rows {
            lines.append([r.name, r.op, r.shape.description, grouped(r.parameters), grouped(r.multiplyAdds)])
        }
        let params = rows.reduce(0) { saturatingAdd($0, $1.parameters) }
        let macs = rows.reduce(0) { saturatingAdd($0, $1.multiplyAdds) }
        lines.append(["total", "", "", grouped(params), grouped(macs)])
        var widths = [Int](repeating: 0, count: 5)
        for l in lines { for (i, c) in l.enumerated() { widths[i] = max(widths[i], c.count) } }
        var out = ""
        for (n, l) in lines.enumerated() {
            if n == lines.count - 1 || n == 1 { out += String(repeating: "-", count: widths.reduce(0, +) + 8) + "\n" }
            var text = ""
            for (i, c) in l.enumerated() {
                let pad = String(repeating: " ", count: widths[i] - c.count)
                text += i >= 3 ? pad + c : c + pad
                if i < 4 { text += "  " }
            }
            out += text.trimmingTrailingSpaces() + "\n"
        }
        out += "parameters: \(grouped(params)) (\(megabytes(params * 4)) as float32)\n"
        out += "multiply-adds: \(grouped(macs))" + (batchKnown ? "" : " per example (batch unknown)") + "\n"
        return out
    }

    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    static func megabytes(_ bytes: Int) -> String {
        let mib = Double(bytes) / 1_048_576
        let tenths = Int((mib * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) MiB"
    }

    static func saturatingAdd(_ a: Int, _ b: Int) -> Int {
        let (r, o) = a.addingReportingOverflow(b); return o ? Int.max : r
    }
    static func saturatingMul(_ a: Int, _ b: Int) -> Int {
        let (r, o) = a.multipliedReportingOverflow(by: b); return o ? Int.max : r
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
