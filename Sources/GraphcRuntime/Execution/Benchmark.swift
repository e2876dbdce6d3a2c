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
    /// Runs `warmup` untimed then `iterations` timed executions of the planned graph.
    public static func measure(_ interpreter: Interpreter, warmup: Int, iterations: Int) -> BenchmarkResult {
        for _ in 0..<warmup { interpreter.execute() }
        var times: [Double] = []
        times.reserveCapacity(iterations)
        for _ in 0..<iterations {
            let start = DispatchTime.now().uptimeNanoseconds
            interpreter.execute()
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

extension Interpreter {
    /// Multiply-adds of one execution at the planned shapes.
    public var multiplyAdds: Int {
        graph.nodes.reduce(0) { total, node in
            switch node.op {
            case .conv2d:
                let w = shapes[node.inputs[1]]
                return total + shapes[node.id].reduce(1, *) * w[0] * w[1] * w[2]
            case .matMul:
                return total + shapes[node.id].reduce(1, *) * shapes[node.inputs[1]][0]
            default:
                return total
            }
        }
    }

    /// Bytes of all variables.
    public var weightBytes: Int {
        graph.variables.reduce(0) { $0 + shapes[$1.id].reduce(1, *) * 4 }
    }

    /// The batch of the first placeholder.
    public var batch: Int { graph.placeholders.first.map { shapes[$0.id].first ?? 1 } ?? 1 }
}
