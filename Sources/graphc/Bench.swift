import ArgumentParser
import Foundation
import GraphcRuntime

/// `graphc bench FILE`: latency over repeated runs, throughput, effective GFLOP/s and memory.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure inference latency (min/median/p90/max), images/s, effective GFLOP/s and peak memory.")

    @OptionGroup var graph: GraphOptions
    @OptionGroup var runtime: RuntimeOptions
    @OptionGroup var optimization: OptimizationOptions

    @Option(parsing: .unconditional, help: "Untimed runs before measuring.")
    var warmup = 3

    @Option(parsing: .unconditional, help: "Timed runs.")
    var iterations = 20

    func validate() throws {
        if warmup < 0 || warmup > 1_000_000 { throw ValidationError("--warmup must be between 0 and 1000000") }
        if iterations < 1 || iterations > 1_000_000 { throw ValidationError("--iterations must be between 1 and 1000000") }
    }

    func run() throws {
        let options = runtime.runOptions()
        let (executor, feeds) = try prepareExecution(graph, runtime, optimization, reference: false)
        _ = try reportingErrors { try executor.run(feeds) }
        let result = try reportingErrors { try Benchmark.measure(executor, feeds: feeds, warmup: warmup, iterations: iterations) }
        let model = executor.model
        let batch = model.batch
        let macs = Double(model.multiplyAdds)
        let median = result.median
        func ms(_ v: Double) -> String { String(format: "%.2f ms", v) }
        func mib(_ b: Int) -> String { String(format: "%.1f MiB", Double(b) / 1_048_576) }
        let threads = "\(options.threads) thread" + (options.threads == 1 ? "" : "s")
        print("graph       \(graph.file) (batch \(batch), \(threads))")
        print("latency     min \(ms(result.min))  median \(ms(median))  p90 \(ms(result.p90))  max \(ms(result.max))  (\(iterations) runs after \(warmup) warm-up)")
        print(String(format: "throughput  %.1f images/s", Double(batch) / (median / 1000)))
        print(String(format: "compute     %.3f G multiply-adds per run, %.1f GFLOP/s effective (2 x multiply-adds / median)",
                     macs / 1e9, 2 * macs / (median / 1000) / 1e9))
        let memory = "arena \(mib(executor.arenaBytes)), kernel scratch \(mib(executor.scratchBytes)), weights \(mib(model.weightBytes))"
        print("memory      \(memory), peak RSS \(mib(Benchmark.peakResidentBytes))")
    }
}
