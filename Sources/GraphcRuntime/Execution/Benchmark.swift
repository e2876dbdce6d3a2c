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
    public static func measure(_ executor: Executor, feeds: [String: HostTensor], warmup: Int, iterations: Int,
                               progress: ((Int) -> Void)? = nil) throws(RuntimeError) -> BenchmarkResult {
        for i in 0..<warmup { try executor.load(feeds); executor.execute(); progress?(i + 1) }
        var times: [Double] = []
        times.reserveCapacity(iterations)
        for _ in 0..<iterations {
            try executor.load(feeds)
            let start = DispatchTime.now().uptimeNanoseconds
            executor.execute()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            progress?(warmup + times.count)
        }
        return BenchmarkResult(milliseconds: times)
    }

    /// Mean milliseconds of each step (in `executor.stepNodes` order) over `iterations` timed
    /// executions, after one untimed one.
    public static func profile(_ executor: Executor, feeds: [String: HostTensor], iterations: Int,
                               progress: ((Int) -> Void)? = nil) throws(RuntimeError) -> [Double] {
        try executor.load(feeds)
        executor.execute()
        var total = [UInt64](repeating: 0, count: executor.stepNodes.count)
        for i in 0..<iterations {
            try executor.load(feeds)
            executor.execute(timingStepsInto: &total)
            progress?(i + 1)
        }
        return total.map { Double($0) / 1e6 / Double(iterations) }
    }

    /// The GFLOP/s of the GEMM convolutions run on (`PanelGEMM` on packed weights, split by
    /// `PartitionedGEMM`) for a square 1024 product on `threads` threads, best of 5: the ceiling
    /// a convolution's GFLOP/s is compared with.
    public static func gemmPeak(threads: Int) -> Double {
        let n = 1024
        let a = UnsafeMutablePointer<Float>.allocate(capacity: n * n), c = UnsafeMutablePointer<Float>.allocate(capacity: n * n)
        defer { a.deallocate(); c.deallocate() }
        a.initialize(repeating: 0.5, count: n * n)
        let packed = PackedWeights(a, k: n, n: n)
        var best = Double.infinity
        for _ in 0..<5 {
            let start = DispatchTime.now().uptimeNanoseconds
            PartitionedGEMM.run(m: n, n: n, k: n, a: a, lda: n, b: a, packed: packed.pointer, output: c, epilogue: EpiloguePointers(), threads: threads)
            best = Swift.min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return 2 * Double(n * n * n) / best / 1e9
    }

    /// The process's peak resident set size in bytes: Linux's VmHWM, which starts afresh at
    /// exec. (getrusage's ru_maxrss carries over the parent's peak across fork and exec, so a
    /// graphc started by a large process would report that process's memory.)
    public static var peakResidentBytes: Int {
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
           let kib = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") {
            return kib * 1024
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }
}
