import Foundation
import GraphcIR

/// `graphc bench --profile`: where a run's time goes, per op or per scope, with each row's
/// share of the run, its GFLOP/s (2 x the multiply-adds of the convolution or product it
/// computes, whatever the algorithm) and that as a share of a measured GEMM peak.
enum ProfileTable {
    struct Row {
        var name: String
        var op: String
        var milliseconds: Double
        var multiplyAdds: Int
    }

    /// One row per step, or per scope of `depth` name components when `depth` is given.
    static func rows(_ model: CompiledModel, stepNodes: [NodeID], milliseconds: [Double], depth: Int?) -> [Row] {
        var rows: [Row] = []
        var index: [String: Int] = [:]
        for (node, ms) in zip(stepNodes, milliseconds) {
            let n = model.graph[node]
            let macs = n.op.schema.multiplyAdds(inputs: n.inputs.map { TensorShape(model.shapes[$0]) }, output: TensorShape(model.shapes[node]))
            var op = n.op.typeName
            if case let .conv2d(a) = n.op, a.algorithm != nil { op += " (Winograd)" }
            guard let depth else {
                rows.append(Row(name: n.name, op: op, milliseconds: ms, multiplyAdds: macs))
                continue
            }
            let key = n.name.split(separator: "/", omittingEmptySubsequences: false).prefix(max(1, depth)).joined(separator: "/")
            if let i = index[key] {
                rows[i].milliseconds += ms
                rows[i].multiplyAdds = rows[i].multiplyAdds.addingReportingOverflow(macs).overflow ? Int.max : rows[i].multiplyAdds + macs
                rows[i].op = rows[i].op == op ? op : "ops"
            } else {
                index[key] = rows.count
                rows.append(Row(name: key, op: op, milliseconds: ms, multiplyAdds: macs))
            }
        }
        return rows
    }

    /// The table, rows in schedule order, with the total. `errors` (by row name) adds a column:
    /// each Winograd convolution's difference from the exact path, relative to its largest output.
    static func text(_ rows: [Row], gemmPeak: Double, errors: [String: Float] = [:]) -> String {
        let total = rows.reduce(0) { $0 + $1.milliseconds }
        let nameWidth = min(max(rows.map(\.name.count).max() ?? 4, 4), 48)
        let opWidth = max(rows.map(\.op.count).max() ?? 2, 2)
        func pad(_ s: String, _ w: Int) -> String {
            s.count > w ? "…" + s.suffix(w - 1) : s + String(repeating: " ", count: w - s.count)
        }
        func right(_ s: String, _ w: Int) -> String { String(repeating: " ", count: max(0, w - s.count)) + s }
        var out = pad("name", nameWidth) + "  " + pad("op", opWidth) + "        ms   share   GFLOP/s  of peak" + (errors.isEmpty ? "" : "  vs exact") + "\n"
        for r in rows {
            let gflops = r.multiplyAdds > 0 && r.milliseconds > 0 ? 2 * Double(r.multiplyAdds) / (r.milliseconds / 1000) / 1e9 : nil
            out += pad(r.name, nameWidth) + "  " + pad(r.op, opWidth)
            out += right(String(format: "%.3f", r.milliseconds), 10)
            out += right(String(format: "%.1f%%", total > 0 ? 100 * r.milliseconds / total : 0), 8)
            out += right(gflops.map { String(format: "%.1f", $0) } ?? "-", 10)
            out += right(gflops.map { String(format: "%.0f%%", 100 * $0 / gemmPeak) } ?? "-", 9)
            if let e = errors[r.name] { out += right(String(format: "%.1e", e), 10) }
            out += "\n"
        }
        let macs = rows.reduce(0) { $0.addingReportingOverflow($1.multiplyAdds).overflow ? Int.max : $0 + $1.multiplyAdds }
        out += pad("total", nameWidth) + "  " + pad("", opWidth) + right(String(format: "%.3f", total), 10) + right("100.0%", 8)
        out += right(String(format: "%.1f", total > 0 ? 2 * Double(macs) / (total / 1000) / 1e9 : 0), 10)
        out += right(String(format: "%.0f%%", total > 0 ? 100 * 2 * Double(macs) / (total / 1000) / 1e9 / gemmPeak : 0), 9) + "\n"
        out += String(format: "GEMM peak %.1f GFLOP/s (a 1024^3 product on graphc's threads, best of 5)\n", gemmPeak)
        if !errors.isEmpty {
            out += "vs exact: a Winograd layer's output against the same layer computed directly (--no-winograd) on the same\n"
            out += "input, max |difference| / max |exact| (it includes what earlier Winograd layers passed on)\n"
        }
        return out
    }
}
