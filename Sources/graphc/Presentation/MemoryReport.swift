import GraphcIR

/// The memory report `graphc compile`, `plan` and `shapes --memory` print.
enum MemoryReport {
    static func text(_ model: CompiledModel) -> String {
        let m = model.memory
        func mib(_ b: Int) -> String {
            let hundredths = Int((Double(b) / 1_048_576 * 100).rounded())
            return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100) MiB"
        }
        let verdict = m.arenaBytes == m.lowerBoundBytes ? "= lower bound" : "lower bound + \(mib(m.arenaBytes - m.lowerBoundBytes))"
        var out = "memory plan (\(m.strategy)):\n"
        out += "  intermediates, naive sum  \(mib(m.naiveBytes)) (every value in its own buffer)\n"
        out += "  lower bound               \(mib(m.lowerBoundBytes))" + (m.peakNode.map { " (live at \(model.graph[$0].name))" } ?? "") + "\n"
        out += "  planned arena             \(mib(m.arenaBytes)) (\(verdict))\n"
        out += "  largest kernel scratch    \(mib(m.scratchBytes)) (inside the arena)\n"
        out += "  weights                   \(mib(model.weightBytes))\n"
        return out
    }
}
