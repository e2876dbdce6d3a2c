import Foundation

/// A request for more memory than this machine has: an error instead of a failed allocation
/// that kills the process.
public struct MemoryBudgetError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// Refuses allocations larger than this machine's memory, so a mistyped batch or width is an
/// error instead of a crash.
public enum MemoryBudget {
    public static var physicalBytes: UInt64 { ProcessInfo.processInfo.physicalMemory }

    /// Throws when `bytes` (of `what`) exceed `limit`, by default the machine's memory.
    public static func check(_ bytes: Int, _ what: String, limit: Int = Int(clamping: physicalBytes)) throws(MemoryBudgetError) {
        guard bytes >= 0, bytes <= limit else {
            let available = limit == Int(clamping: physicalBytes) ? "this machine's \(text(limit)) of memory" : "the memory budget of \(text(limit))"
            throw MemoryBudgetError(message: "\(what) would need \(text(max(bytes, 0))), more than \(available)")
        }
    }

    /// A size in the unit that reads best: `78.1 GiB`, `12.0 MiB`, `704 bytes`.
    public static func text(_ bytes: Int) -> String {
        let b = Double(bytes)
        if b >= 1_073_741_824 / 10 { return String(format: "%.1f GiB", b / 1_073_741_824) }
        if b >= 1_048_576 / 10 { return String(format: "%.1f MiB", b / 1_048_576) }
        if b >= 1024 { return String(format: "%.1f KiB", b / 1024) }
        return "\(bytes) bytes"
    }

    /// Bytes of `counts` floats, `copies` times, saturating instead of overflowing.
    public static func bytes(floats counts: [Int], copies: Int = 1) -> Int {
        var total = 0
        for c in counts {
            let (b, o1) = c.multipliedReportingOverflow(by: 4 * copies)
            let (r, o2) = total.addingReportingOverflow(o1 ? Int.max : b)
            total = o2 ? Int.max : r
        }
        return total
    }
}
