import ArgumentParser
import Foundation
import GraphcIR
import GraphcPasses
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

    @Flag(help: "Time every op: a table of each op's time, share of the run, GFLOP/s and share of a measured GEMM peak.")
    var profile = false

    @Option(help: ArgumentHelp("With --profile, one row per scope of this many name components (e.g. 2: resnet/block1).", valueName: "K"))
    var depth: Int?

    func validate() throws {
        if warmup < 0 || warmup > 1_000_000 { throw ValidationError("--warmup must be between 0 and 1000000") }
        if iterations < 1 || iterations > 1_000_000 { throw ValidationError("--iterations must be between 1 and 1000000") }
        if let depth, depth < 1 { throw ValidationError("--depth must be at least 1") }
        if depth != nil, !profile { throw ValidationError("--depth applies to --profile") }
    }

    /// Each Winograd convolution's output against the same layer of the exact (direct) model on
    /// the same input: max |difference| / max |exact|, by node name. Both models are compiled
    /// again without buffer reuse, so every intermediate survives the run. The difference
    /// includes what earlier Winograd layers passed on. Graph files only (a plan has no
    /// original weights).
    func winogradErrors(feeds: [String: HostTensor], options: RunOptions) throws -> [String: Float] {
        guard !graph.isPlan else { return [:] }
        var exactPipeline = optimization.pipelineOptions
        exactPipeline.disabled.insert("UseWinograd")
        func executor(_ pipeline: PipelineOptions) throws -> Executor {
            let request = ModelRequest(graph: graph, pipeline: pipeline, weights: runtime.weights, seed: runtime.seed, reuse: false,
                                       inputs: try graph.readInputFiles())
            let model = try request.load().model
            let e = try reportingErrors { try Executor(model: model, options: options) }
            _ = try reportingErrors { try e.run(feeds) }
            return e
        }
        let winograd = try executor(optimization.pipelineOptions)
        guard winograd.model.graph.nodes.contains(where: { if case let .conv2d(a) = $0.op { a.algorithm != nil } else { false } }) else { return [:] }
        let exact = try executor(exactPipeline)
        let exactIDs = Dictionary(exact.model.graph.nodes.map { ($0.name, $0.id) }, uniquingKeysWith: { a, _ in a })
        var errors: [String: Float] = [:]
        for node in winograd.model.graph.nodes {
            guard case let .conv2d(a) = node.op, a.algorithm != nil, let other = exactIDs[node.name] else { continue }
            let w = winograd.value(node.id).data, e = exact.value(other).data
            guard w.count == e.count else { continue }
            let scale = max(e.map(abs).max() ?? 0, 1e-30)
            errors[node.name] = zip(w, e).map { abs($0 - $1) }.max().map { $0 / scale } ?? 0
        }
        return errors
    }

    func run() throws {
        let options = runtime.runOptions()
        let (executor, feeds) = try prepareExecution(graph, runtime, optimization, reference: false)
        let firstStart = DispatchTime.now().uptimeNanoseconds
        _ = try reportingErrors { try executor.run(feeds) }
        let first = Double(DispatchTime.now().uptimeNanoseconds - firstStart) / 1e6
        let progress = Progress(total: warmup + iterations, label: "bench")
        let result = try reportingErrors {
            try Benchmark.measure(executor, feeds: feeds, warmup: warmup, iterations: iterations, progress: progress.update)
        }
        progress.finish()
        let model = executor.model
        let batch = model.batch
        let macs = Double(model.multiplyAdds)
        let median = result.median
        func ms(_ v: Double) -> String { String(format: "%.2f ms", v) }
        func mib(_ b: Int) -> String { String(format: "%.1f MiB", Double(b) / 1_048_576) }
        let threads = "\(options.threads) thread" + (options.threads == 1 ? "" : "s")
        print("graph       \(graph.file) (batch \(batch), \(threads))")
        print("latency     min \(ms(result.min))  median \(ms(median))  p90 \(ms(result.p90))  max \(ms(result.max))  (\(iterations) runs after \(warmup) warm-up)")
        print("first run   \(ms(first)) (includes the inputs' copy and the output's; \(String(format: "%.2f", first / median))x the median)")
        print(String(format: "throughput  %.1f images/s", Double(batch) / (median / 1000)))
        print(String(format: "compute     %.3f G multiply-adds per run, %.1f GFLOP/s effective (2 x multiply-adds / median)",
                     macs / 1e9, 2 * macs / (median / 1000) / 1e9))
        let memory = "arena \(mib(executor.arenaBytes)), kernel scratch \(mib(executor.scratchBytes)), weights \(mib(model.weightBytes))"
        print("memory      \(memory), peak RSS \(mib(Benchmark.peakResidentBytes))")
        if profile {
            let timing = Progress(total: iterations, label: "profile")
            let perStep = try reportingErrors { try Benchmark.profile(executor, feeds: feeds, iterations: iterations, progress: timing.update) }
            timing.finish()
            let errors = depth == nil ? try winogradErrors(feeds: feeds, options: options) : [:]
            let rows = ProfileTable.rows(model, stepNodes: executor.stepNodes, milliseconds: perStep, depth: depth)
            print("")
            print(ProfileTable.text(rows, gemmPeak: Benchmark.gemmPeak(threads: options.threads), errors: errors), terminator: "")
        }
    }
}
