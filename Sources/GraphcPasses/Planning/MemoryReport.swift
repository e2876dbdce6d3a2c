import GraphcIR

extension MemoryPlan {
    /// The report `graphc compile` and `graphc shapes --memory` print.
    public func report(graph: Graph, weightBytes: Int) -> String {
        func mib(_ b: Int) -> String {
            let tenths = Int((Double(b) / 1_048_576 * 100).rounded())
            return "\(tenths / 100).\(String(format2: tenths % 100)) MiB"
        }
        let verdict = arenaBytes == lowerBoundBytes ? "= lower bound" : "lower bound + \(mib(arenaBytes - lowerBoundBytes))"
        var out = "memory plan (\(strategy.rawValue)):\n"
        out += "  intermediates, naive sum  \(mib(naiveBytes)) (every value in its own buffer)\n"
        out += "  lower bound               \(mib(lowerBoundBytes))" + (peakNode.map { " (live at \(graph[$0].name))" } ?? "") + "\n"
        out += "  planned arena             \(mib(arenaBytes)) (\(verdict))\n"
        out += "  largest im2col scratch    \(mib(scratchBytes)) (inside the arena)\n"
        out += "  weights                   \(mib(weightBytes))\n"
        return out
    }
}

private extension String {
    init(format2 value: Int) { self = value < 10 ? "0\(value)" : "\(value)" }
}
