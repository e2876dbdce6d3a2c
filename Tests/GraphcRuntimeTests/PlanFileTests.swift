import Foundation
import GraphcFrontend
import GraphcIR
import GraphcPasses
import Testing
@testable import GraphcRuntime

/// Compiled plans: what is written runs as the graph does, at the planned batch and at others,
/// and every corruption is an error naming the file.
@Suite struct PlanFileTests {
    static let root = repositoryRoot
    let folder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("graphc-plans-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    /// The small ResNet fixture with its framework weights, compiled for batch `batch`.
    func compile(batch: Int, to name: String) throws -> (path: String, graph: Graph, weights: WeightStore) {
        var options = EvaluationOptions()
        options.searchPaths = [Self.root.appendingPathComponent("Graphs").path]
        options.printSink = { _ in }
        let graph = try GraphFile.evaluate(path: Self.root.appendingPathComponent("Tests/Fixtures/small_resnet.graph").path, options: options).graph
        let weights = try WeightStore.load(safetensors: Self.root.appendingPathComponent("Tests/Fixtures/data/small_resnet.weights.safetensors").path, for: graph)
        var program = Program(graph: graph, weights: weights)
        try Pipeline.run(&program)
        let shapes = try MemoryReporting.concreteShapes(program.graph, batch: batch)
        let plan = MemoryPlan(graph: program.graph, shapes: shapes)
        let path = folder.appendingPathComponent(name).path
        try PlanFile.write(program: program, source: "small_resnet.graph", shapes: shapes, plannedBatch: nil, assignment: plan.assignment, to: path)
        return (path, graph, weights)
    }

    @Test func aCompiledPlanRunsLikeTheFramework() throws {
        let (path, _, _) = try compile(batch: 2, to: "small.gplan")
        let loaded = try PlanFile.read(path: path)
        let input = try NumPyFile.read(path: Self.root.appendingPathComponent("Tests/Fixtures/data/small_resnet.input.npy").path)
        let expected = try NumPyFile.read(path: Self.root.appendingPathComponent("Tests/Fixtures/data/small_resnet.output.npy").path)
        let run = try Runner.prepare(plan: loaded, inputFiles: [:], batch: nil, options: RunOptions(threads: 2))
        // The stored assignment is used as is: nothing was planned at load time.
        #expect(run.interpreter.memoryPlan == nil)
        let p = try #require(loaded.header.graph.placeholders.first)
        let output = try run.interpreter.run([p.id: input])[0]
        let scale = expected.data.map(abs).max()!
        #expect(zip(output.data, expected.data).map { abs($0 - $1) }.max()! <= 1e-4 * scale)
        // Folded weights are read in place from the mapped file.
        #expect(loaded.weights.source == path)
    }

    @Test func anotherBatchIsPlannedAtLoadTime() throws {
        var options = EvaluationOptions()
        options.printSink = { _ in }
        let graph = try GraphFile.evaluate(source: """
        x = placeholder(float32, [None, 16, 16, 3], name='x')
        y = relu(batch_norm(conv2d(x, 4, 3, activation_fn=None), scale=True))
        output(fully_connected(flatten(y), 5, activation_fn=None))
        """, path: "batchless.graph", options: options).graph
        let weights = WeightStore.initialize(graph, seed: 3)
        var program = Program(graph: graph, weights: weights)
        try Pipeline.run(&program)
        let shapes = try MemoryReporting.concreteShapes(program.graph, batch: 2)
        let path = folder.appendingPathComponent("batchless.gplan").path
        try PlanFile.write(program: program, source: "batchless.graph", shapes: shapes, plannedBatch: 2,
                           assignment: MemoryPlan(graph: program.graph, shapes: shapes).assignment, to: path)
        let loaded = try PlanFile.read(path: path)
        #expect(loaded.header.plannedBatch == 2)
        // Batch 3: planned again at load time, and equal to the unoptimized graph's output.
        let run = try Runner.prepare(plan: loaded, inputFiles: [:], batch: 3, options: RunOptions(threads: 2))
        #expect(run.interpreter.memoryPlan != nil)
        let output = try run.interpreter.run(run.inputs)[0]
        #expect(output.shape == [3, 5])
        let x = try #require(graph.placeholders.first)
        let plain = try Interpreter(graph: graph, weights: weights, inputShapes: [x.id: [3, 16, 16, 3]], options: RunOptions(threads: 1, reuse: false))
        let expected = try plain.run([x.id: run.inputs.values.first!])[0]
        #expect(zip(output.data, expected.data).map { abs($0 - $1) }.max()! <= 1e-5 * expected.data.map(abs).max()!)
    }

    @Test func corruptPlansAreErrorsNamingTheFile() throws {
        let (path, _, _) = try compile(batch: 2, to: "good.gplan")
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        func problem(_ mutated: [UInt8], _ name: String) throws -> String {
            let p = folder.appendingPathComponent(name).path
            try Data(mutated).write(to: URL(fileURLWithPath: p))
            do {
                _ = try PlanFile.read(path: p)
                return ""
            } catch {
                #expect(error.path == p)
                return error.problems.joined(separator: "; ")
            }
        }
        #expect(try problem(Array(bytes.prefix(40)), "short.gplan") == "truncated: 40 bytes, shorter than the 64-byte preamble")
        #expect(try problem(Array(bytes.prefix(bytes.count - 100)), "cut.gplan").hasPrefix("truncated or corrupt"))
        var magic = bytes; magic[0] = 0x58
        #expect(try problem(magic, "magic.gplan") == "not a graphc plan (bad magic); compile one with graphc compile")
        var version = bytes; version[8] = 9
        #expect(try problem(version, "version.gplan") == "plan version 9 is not supported (this graphc reads version 1); recompile it")
        var flipped = bytes; flipped[bytes.count - 7] ^= 0x10
        #expect(try problem(flipped, "flipped.gplan") == "corrupted: the checksum does not match its contents")
        var header = bytes; header[80] ^= 0x01
        #expect(try problem(header, "header.gplan") == "corrupted: the checksum does not match its contents")
    }
}
