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

    @Option(help: "Untimed runs before measuring.")
    var warmup = 3

    @Option(help: "Timed runs.")
    var iterations = 20

    func validate() throws {
        if warmup < 0 || warmup > 1_000_000 { throw ValidationError("--warmup must be between 0 and 1000000") }
        if iterations < 1 || iterations > 1_000_000 { throw ValidationError("--iterations must be between 1 and 1000000") }
    }

    func run() throws {
        let options = runtime.runOptions()
        let prepared = try prepareRun(graph, runtime, optimization, reference: false)
        for note in prepared.notes { Stderr.write("graphc: note: \(note)\n") }
        let interpreter = prepared.interpreter
        _ = try reportingErrors { try interpreter.run(prepared.inputs) }
        let result = Benchmark.measure(interpreter, warmup: warmup, iterations: iterations)
        let batch = interpreter.batch
        let macs = interpreter.multiplyAdds
        func ms(_ v: Double) -> String { String(format: "%.2f ms", v) }
        func mib(_ b: Int) -> String { String(format: "%.1f MiB", Double(b) / 1_048_576) }
        print("graph       \(graph.file) (batch \(batch), \(options.threads) thread\(options.threads == 1 ? "" : "s"))")
        print("latency     min \(ms(result.min))  median \(ms(result.median))  p90 \(ms(result.p90))  max \(ms(result.max))  (\(iterations) runs after \(warmup) warm-up)")
        print(String(format: "throughput  %.1f images/s", Double(batch) / (result.median / 1000)))
        print(String(format: "compute     %.3f G multiply-adds per run, %.1f GFLOP/s effective (2 x multiply-adds / median)",
                     Double(macs) / 1e9, 2 * Double(macs) / (result.median / 1000) / 1e9))
        print("memory      arena \(mib(interpreter.arenaBytes)), im2col scratch \(mib(interpreter.scratchBytes)), weights \(mib(interpreter.weightBytes)), peak RSS \(mib(Benchmark.peakResidentBytes))")
    }
}
