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

    /// The plan with its JSON header changed by `edit`, re-laid-out and re-checksummed, so the
    /// checks behind the checksum are what must catch the change.
    func rewritten(_ bytes: [UInt8], _ edit: (inout [String: Any]) -> Void) throws -> [UInt8] {
        func u64(_ o: Int) -> Int { Int(bytes[o..<o + 8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }) }
        let headerLength = u64(16), dataOffset = u64(24), dataSize = u64(32)
        var header = try JSONSerialization.jsonObject(with: Data(bytes[64..<(64 + headerLength)])) as! [String: Any]
        edit(&header)
        let json = [UInt8](try JSONSerialization.data(withJSONObject: header))
        let newOffset = (64 + json.count + 63) / 64 * 64
        let padded = json + [UInt8](repeating: 0x20, count: newOffset - 64 - json.count)
        let data = Array(bytes[dataOffset..<(dataOffset + dataSize)])
        let checksum = PlanFile.fnv1a(padded, PlanFile.fnv1a(data))
        func le(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8((v >> (8 * UInt64($0))) & 0xFF) } }
        return Array(bytes[0..<16]) + le(UInt64(json.count)) + le(UInt64(newOffset)) + le(UInt64(dataSize)) + le(checksum)
            + [UInt8](repeating: 0, count: 16) + padded + data
    }

    @Test func craftedHeadersBehindAValidChecksumAreCaught() throws {
        let (path, _, _) = try compile(batch: 2, to: "base.gplan")
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        func problems(_ edit: (inout [String: Any]) -> Void, _ name: String) throws -> [String] {
            let p = folder.appendingPathComponent(name).path
            try Data(try rewritten(bytes, edit)).write(to: URL(fileURLWithPath: p))
            do {
                _ = try PlanFile.read(path: p)
                return []
            } catch {
                return error.problems
            }
        }
        // Unchanged but re-laid-out: still loads.
        #expect(try problems({ _ in }, "same.gplan").isEmpty)
        // Every value at offset 0: values live at once would overwrite each other.
        let overlapping = try problems({ h in
            var a = h["assignment"] as! [String: Any]
            a["valueOffset"] = (a["valueOffset"] as! [Any]).map { $0 is NSNull ? $0 : 0 }
            h["assignment"] = a
        }, "overlap.gplan")
        #expect(overlapping.count == 1)
        #expect(overlapping.first?.hasSuffix("overlap while both are live") == true)
        // A weight offset that would wrap around.
        let wrapping = try problems({ h in
            var w = h["weights"] as! [[String: Any]]
            w[0]["offset"] = 9_223_372_036_854_775_800
            h["weights"] = w
        }, "wrap.gplan")
        #expect(wrapping.contains { $0.hasSuffix("lies outside the data section") })
        // An arena too small for the values.
        let small = try problems({ h in
            var a = h["assignment"] as! [String: Any]
            a["arenaBytes"] = 64
            h["assignment"] = a
        }, "small.gplan")
        #expect(small.contains { $0.contains("does not fit in the 64-byte arena") })
        // A graph that does not verify.
        let graph = try problems({ h in
            var g = h["graph"] as! [String: Any]
            var nodes = g["nodes"] as! [[String: Any]]
            nodes[nodes.count - 1]["inputs"] = [nodes.count + 5]
            g["nodes"] = nodes
            h["graph"] = g
        }, "graph.gplan")
        #expect(graph.contains { $0.hasPrefix("graph: ") })
        // Shapes that do not fit the graph's placeholders.
        let shapes = try problems({ h in
            var s = h["shapes"] as! [[Int]]
            s[0] = []
            h["shapes"] = s
        }, "shapes.gplan")
        #expect(shapes.contains { $0.hasPrefix("shapes: [] does not fit") })
    }

    @Test func aConstantWithTheWrongNumberOfValuesDoesNotVerify() {
        var g = Graph()
        g.nodes = [Node(id: 0, name: "c", op: .constant([2]), inputs: [], shape: TensorShape([1, 4]), location: nil)]
        #expect(throws: Verifier.Failure.self) { try Verifier.verify(g) }
    }
}
