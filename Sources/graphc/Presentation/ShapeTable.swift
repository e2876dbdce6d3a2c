import GraphcIR

/// The aligned text table `graphc shapes` prints: one row per op or per scope, with totals.
enum ShapeTable {
    /// The aligned text table with a totals line.
    static func table(_ rows: [Statistics.Row], batchKnown: Bool) -> String {
        var lines = [["name", "op", "output shape", "params", "multiply-adds"]]
        for r in rows {
            lines.append([r.name, r.op, r.shape.description, grouped(r.parameters), grouped(r.multiplyAdds)])
        }
        let (params, macs) = Statistics.totals(rows)
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

}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
