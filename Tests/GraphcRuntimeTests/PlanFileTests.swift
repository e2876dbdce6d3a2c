import Foundation
import GraphcFrontend
@testable import GraphcCompiler
import GraphcFormats
import GraphcIR
import GraphcTestSupport
import Testing
@testable import GraphcRuntime

/// Compiled plans: what is written runs as the graph does, at the planned batch and at others,
/// and every corruption is an error naming the file.
@Suite struct PlanFileTests {
    static let root = repositoryRoot
    let folder = Repository.temporaryFolder("graphc-plans")

    /// The small ResNet fixture with its framework weights, compiled for batch `batch`.
    func compile(batch: Int, to name: String) throws -> (path: String, graph: Graph, weights: WeightStore) {
        let graph = try evaluate("Tests/Fixtures/small_resnet.graph", searchPaths: [Repository.path("Graphs")])
        let weights = try WeightStore.load(safetensors: Repository.path("Tests/Fixtures/data/small_resnet.weights.safetensors"), for: graph)
        let model = try Compiler.compile(graph, weights: weights, source: "small_resnet.graph", options: CompileOptions(batch: batch))
        let path = folder.appendingPathComponent(name).path
        try PlanFile.write(model, to: path)
        return (path, graph, weights)
    }

    @Test func aCompiledPlanRunsLikeTheFramework() throws {
        let (path, _, _) = try compile(batch: 2, to: "small.gplan")
        let loaded = try PlanFile.read(path: path)
        let input = try NumPyFile.read(path: Repository.path("Tests/Fixtures/data/small_resnet.input.npy"))
        let expected = try NumPyFile.read(path: Repository.path("Tests/Fixtures/data/small_resnet.output.npy"))
        // The stored assignment is used as is: nothing is planned again for the planned shapes.
        let p = try #require(loaded.graph.placeholders.first)
        var options = CompileOptions()
        options.inputShapes = [p.name: input.shape]
        #expect(try Compiler.replan(loaded, options: options) === loaded)
        let output = try Executor(model: loaded, options: RunOptions(threads: 2)).run([p.name: input])[0]
        #expect(Tensors.relativeError(output, expected) <= 1e-4)
        // Folded weights are read in place from the mapped file.
        #expect(loaded.weights.source == path)
    }

    @Test func anotherBatchIsPlannedAtLoadTime() throws {
        let graph = try GraphFile.evaluate(source: """
        x = placeholder(float32, [None, 16, 16, 3], name='x')
        y = relu(batch_norm(conv2d(x, 4, 3, activation_fn=None), scale=True))
        output(fully_connected(flatten(y), 5, activation_fn=None))
        """, path: "batchless.graph", options: .quiet).graph
        let weights = WeightStore.initialize(graph, seed: 3)
        let model = try Compiler.compile(graph, weights: weights, source: "batchless.graph", options: CompileOptions(batch: 2))
        let path = folder.appendingPathComponent("batchless.gplan").path
        try PlanFile.write(model, to: path)
        let loaded = try PlanFile.read(path: path)
        #expect(loaded.resolvedBatch == 2)
        // Batch 3: planned again at load time, and equal to the unoptimized graph's output.
        let replanned = try Compiler.replan(loaded, options: CompileOptions(batch: 3))
        #expect(replanned !== loaded)
        let input = Tensors.uniform([3, 16, 16, 3], seed: 1, name: "x")
        let output = try Executor(model: replanned, options: RunOptions(threads: 2)).run(["x": input])[0]
        #expect(output.shape == [3, 5])
        let expected = try execute(graph, weights: weights, feeds: ["x": input], optimize: false, reuse: false, threads: 1)[0]
        #expect(Tensors.relativeError(output, expected) <= 1e-5)
    }

    @Test func aPlanCompiledWithoutReuseLoadsAndRunsOnTheReferenceKernels() throws {
        // Without in-place ops, values that would share a buffer have offsets of their own: the
        // reader must check the plan by the rules it was made with.
        let graph = try evaluate("Tests/Fixtures/small_resnet.graph", searchPaths: [Repository.path("Graphs")])
        let weights = try WeightStore.load(safetensors: Repository.path("Tests/Fixtures/data/small_resnet.weights.safetensors"), for: graph)
        var options = CompileOptions(batch: 2)
        options.reuse = false
        let path = folder.appendingPathComponent("noreuse.gplan").path
        try PlanFile.write(try Compiler.compile(graph, weights: weights, source: "small_resnet.graph", options: options), to: path)
        let loaded = try PlanFile.read(path: path)
        #expect(!loaded.assignment.inPlace)
        let input = try NumPyFile.read(path: Repository.path("Tests/Fixtures/data/small_resnet.input.npy"))
        let expected = try NumPyFile.read(path: Repository.path("Tests/Fixtures/data/small_resnet.output.npy"))
        let output = try Executor(model: loaded, options: RunOptions(threads: 1, reference: true)).run(["x": input])[0]
        #expect(Tensors.relativeError(output, expected) <= 1e-4)
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
        #expect(try problem(magic, "magic.gplan") == "not a graphc plan (bad magic)")
        var version = bytes; version[8] = 9
        #expect(try problem(version, "version.gplan") == "plan version 9 is not supported (this graphc reads version \(PlanFile.version)); recompile it")
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
        // A scratch area for a node whose kernel needs none.
        let scratch = try problems({ h in
            var a = h["assignment"] as! [String: Any]
            var areas = a["scratch"] as! [[String: Any]]
            areas.append(["node": 0, "offset": 0, "elements": 16])
            a["scratch"] = areas
            h["assignment"] = a
        }, "scratch.gplan")
        #expect(scratch == ["assignment: a scratch area for node 0, which needs none or has one already"])
    }

    @Test func storedShapesMustBeWhatTheGraphComputes() throws {
        // An unknown batch: any batch fits the declared shapes, so only working the shapes out
        // again catches a node at batch 1 behind an input at batch 2, whose kernel would write
        // past its buffer.
        let graph = try GraphFile.evaluate(source: """
        x = placeholder(float32, [None, 8, 8, 3], name='x')
        output(conv2d(x, 4, 3, scope='c'))
        """, path: "batchless.graph", options: .quiet).graph
        let path = folder.appendingPathComponent("batchless-shapes.gplan").path
        try PlanFile.write(try Compiler.compile(graph, weights: WeightStore.initialize(graph), source: "b", options: CompileOptions(batch: 2)), to: path)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let edited = folder.appendingPathComponent("batch.gplan")
        try Data(try rewritten(bytes) { h in
            var s = h["shapes"] as! [[Int]]
            s[s.count - 1][0] = 1
            h["shapes"] = s
        }).write(to: edited)
        do {
            _ = try PlanFile.read(path: edited.path)
            Issue.record("a plan whose shapes disagree with its graph must not load")
        } catch {
            #expect(error.problems == ["shapes: the stored shapes are not what the graph's shape rules give for its inputs"])
        }
    }

    @Test func aConstantWithTheWrongNumberOfValuesDoesNotVerify() {
        var g = Graph()
        g.nodes = [Node(id: 0, name: "c", op: .constant([2]), inputs: [], shape: TensorShape([1, 4]), location: nil)]
        #expect(throws: Verifier.Failure.self) { try Verifier.verify(g) }
    }
}
