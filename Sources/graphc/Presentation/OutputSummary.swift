import Foundation
import GraphcIR

/// The summary `graphc run` prints for an output: shape, min, max, mean and, for an
/// (N, classes) output, the top five classes of each row.
enum OutputSummary {
    /// `labels` name the classes (one fewer than the classes: class 0 is slim's background);
    /// `rowNames` name the rows (the images fed).
    static func describe(name: String, _ t: HostTensor, maxRows: Int = 8, labels: [String]? = nil, rowNames: [String]? = nil) -> String {
        var out = "\(name) \(TensorShape(t.shape.map { $0 }))\n"
        guard !t.data.isEmpty else { return out + "  (empty)\n" }
        // Over the finite values; NaN and infinities are counted, and `run` warns about them.
        var lo = Float.infinity, hi = -Float.infinity, sum: Double = 0, finite = 0
        for v in t.data where v.isFinite { lo = min(lo, v); hi = max(hi, v); sum += Double(v); finite += 1 }
        let (nan, infinite) = nonFinite(t)
        if finite > 0 {
            out += "  min \(format(lo))  max \(format(hi))  mean \(format(Float(sum / Double(finite))))"
        } else {
            out += "  no finite values"
        }
        if nan > 0 || infinite > 0 { out += "  (\(nan) NaN, \(infinite) infinite)" }
        out += "\n"
        let classes = t.shape.last ?? 0
        let isClassifier = t.shape.count >= 2 && t.shape.dropFirst().dropLast().allSatisfy { $0 == 1 } && classes > 1
        guard isClassifier else { return out }
        let rows = t.count / classes
        let offset = labels.map { classes - $0.count } ?? 0
        func label(_ c: Int) -> String {
            guard let labels else { return "\(c)" }
            if c - offset >= 0, c - offset < labels.count { return "\(c) \(labels[c - offset])" }
            return offset == 1 && c == 0 ? "0 background" : "\(c)"
        }
        let shown = rowNames == nil ? min(rows, maxRows) : rows
        for row in 0..<shown {
            let values = t.data[(row * classes)..<((row + 1) * classes)]
            let top = values.indices.sorted { values[$0] > values[$1] || (values[$0] == values[$1] && $0 < $1) }.prefix(5)
            let title = rowNames.flatMap { row < $0.count ? $0[row] : nil } ?? "row \(row)"
            out += "  top-5 \(title): " + top.map { "\(label($0 - row * classes)) (\(format(values[$0])))" }.joined(separator: ", ") + "\n"
        }
        if rows > shown { out += "  ... \(rows - shown) more rows\n" }
        return out
    }

    /// How many values are NaN and how many infinite.
    static func nonFinite(_ t: HostTensor) -> (nan: Int, infinite: Int) {
        t.data.reduce((0, 0)) { ($0.0 + ($1.isNaN ? 1 : 0), $0.1 + ($1.isInfinite ? 1 : 0)) }
    }

    static func format(_ v: Float) -> String {
        if v.isNaN || v.isInfinite { return "\(v)" }
        let magnitude = abs(v)
        if magnitude != 0 && (magnitude < 1e-3 || magnitude >= 1e6) { return String(format: "%.4e", Double(v)) }
        return String(format: "%.6f", Double(v))
    }
}
