import Foundation
import GraphcIR

/// Latency statistics of repeated runs of one plan.
public struct BenchmarkResult: Sendable {
    public let milliseconds: [Double]
    public var sorted: [Double] { milliseconds.sorted() }
    public var min: Double { sorted.first ?? 0 }
    public var max: Double { sorted.last ?? 0 }
    public var median: Double {
        let s = sorted
        guard !s.isEmpty else { return 0 }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
    /// The 90th percentile (nearest rank).
    public var p90: Double {
        let s = sorted
        guard !s.isEmpty else { return 0 }
        return s[Swift.min(s.count - 1, Int((0.9 * Double(s.count)).rounded(.up)) - 1)]
    }
}

public enum Benchmark {
    /// Runs `warmup` untimed then `iterations` timed executions of the prepared model, each
    /// on `feeds` loaded afresh (an op may overwrite an input in place).
    public static func measure(_ executor: Executor, feeds: [String: HostTensor], warmup: Int, iterations: Int) throws(RuntimeError) -> BenchmarkResult {
        for _ in 0..<warmup { try executor.load(feeds); executor.execute() }
        var times: [Double] = []
        times.reserveCapacity(iterations)
        for _ in 0..<iterations {
            try executor.load(feeds)
            let start = DispatchTime.now().uptimeNanoseconds
            executor.execute()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        return BenchmarkResult(milliseconds: times)
    }

    /// The process's peak resident set size in bytes.
    public static var peakResidentBytes: Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }
}
