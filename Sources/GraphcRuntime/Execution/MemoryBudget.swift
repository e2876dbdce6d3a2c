import Foundation

/// Refuses allocations larger than this machine's memory, so a mistyped batch or width is an
/// error instead of a failed allocation that kills the process.
enum MemoryBudget {
    static func check(_ bytes: Int, _ what: String) throws(RuntimeError) {
        let physical = ProcessInfo.processInfo.physicalMemory
        guard bytes >= 0, UInt64(bytes) <= physical else {
            func gib(_ b: Double) -> String { String(format: "%.1f GiB", b / 1_073_741_824) }
            throw RuntimeError("\(what) would need \(gib(Double(bytes))), more than this machine's \(gib(Double(physical))) of memory")
        }
    }

    /// Twice the bytes of all of a graph's variables (batch-norm folding briefly holds the
    /// original and the folded values), checked against memory.
    static func checkWeights(_ counts: [Int]) throws(RuntimeError) {
        var total = 0
        for c in counts {
            let (r, o) = total.addingReportingOverflow(c.multipliedReportingOverflow(by: 8).overflow ? Int.max : c * 8)
            total = o ? Int.max : r
        }
        try check(total, "the weights (with their folded copies)")
    }
}
