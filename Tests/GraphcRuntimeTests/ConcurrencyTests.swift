import Dispatch
import Foundation
import GraphcCompiler
import GraphcFormats
import GraphcIR
import GraphcTestSupport
import Testing
@testable import GraphcRuntime

/// A compiled model is immutable: one loaded plan runs from several threads at once, each
/// thread with an executor (and arena) of its own, and every result is bit for bit the serial one.
@Suite struct ConcurrencyTests {
    @Test func oneLoadedPlanRunsFromEightThreadsAsItRunsAlone() throws {
        let graph = try evaluate("Tests/Fixtures/small_resnet.graph", searchPaths: [Repository.path("Graphs")])
        let weights = try WeightStore.load(safetensors: Repository.path("Tests/Fixtures/data/small_resnet.weights.safetensors"), for: graph)
        let path = Repository.temporaryFolder("graphc-concurrency").appendingPathComponent("small.gplan").path
        try PlanFile.write(try Compiler.compile(graph, weights: weights, source: "small_resnet.graph", options: CompileOptions(batch: 2)), to: path)
        let model = try PlanFile.read(path: path)
        let shape = model.shapes[model.graph.placeholders[0].id]
        let inputs = (0..<8).map { Tensors.uniform(shape, seed: UInt64($0), name: "x") }

        let serial = try inputs.map { try Executor(model: model, options: RunOptions(threads: 2)).run(["x": $0])[0] }
        // Different inputs give different outputs, so a mixed-up result cannot pass.
        #expect(Set(serial.map(\.data)).count == 8)

        final class Results: @unchecked Sendable {
            var tensors = [HostTensor?](repeating: nil, count: 8)
            var errors: [String] = []
            let lock = NSLock()
        }
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            do {
                // graphc's kernels on 1 or 2 threads: the split of rows changes no result.
                let executor = try Executor(model: model, options: RunOptions(threads: 1 + i % 2))
                // Several runs each, so the threads overlap for certain.
                var last: HostTensor?
                for _ in 0..<3 { last = try executor.run(["x": inputs[i]])[0] }
                results.lock.lock(); results.tensors[i] = last; results.lock.unlock()
            } catch {
                results.lock.lock(); results.errors.append("\(error)"); results.lock.unlock()
            }
        }
        #expect(results.errors.isEmpty, "\(results.errors)")
        for i in 0..<8 { #expect(results.tensors[i] == serial[i], "input \(i)") }
    }
}
