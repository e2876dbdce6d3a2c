import Foundation
import GraphcFrontend
import GraphcIR
import Testing
@testable import GraphcRuntime

/// The fully optimized graph computes what the unoptimized one does (within 1e-5 relative to
/// the output's scale) on every bundled network, with weights whose batch norms are far from
/// the identity, so folding is really exercised.
@Suite struct OptimizationEquivalenceTests {
    static let root = repositoryRoot

    static let graphs = ["resnet18", "seed000_slim_resnet", "seed000_slim_resnet_mnist", "seed001_keras_resnet18",
                         "seed002_gluon_resnet", "seed003_pytorch_resnet", "seed004_resnet_v2"]

    /// LeCun-scaled weights (stddev sqrt(1 / fan_in), so activations stay moderate through 50
    /// layers and the final softmax is not saturated), and batch norms with gamma in [0.5, 1.5],
    /// beta and mean around 0 and variance in [0.5, 1.5].
    static func weights(for graph: Graph) -> WeightStore {
        let store = WeightStore(source: "random")
        for v in graph.variables {
            let shape = v.shape.dims.map { $0 ?? 1 }
            var rng = SeededRandom(seed: 11, name: v.name)
            let count = shape.reduce(1, *)
            let values: [Float]
            switch v.name.split(separator: "/").last! {
            case "gamma", "moving_variance": values = (0..<count).map { _ in 0.5 + rng.uniform() }
            case "beta", "moving_mean", "biases": values = (0..<count).map { _ in (rng.uniform() - 0.5) * 0.2 }
            default:
                let fanIn = Float(max(1, shape.dropLast().reduce(1, *)))
                values = (0..<count).map { _ in rng.truncatedNormal() * (1 / fanIn).squareRoot() }
            }
            store.add(v.name, values)
        }
        return store
    }

    func run(_ graph: Graph, _ weights: WeightStore, optimize: Bool, reuse: Bool = true, batch: Int = 1) throws -> [HostTensor] {
        var feeds: [String: HostTensor] = [:]
        for p in graph.placeholders {
            let shape = p.shape.dims.map { $0 ?? batch }
            var rng = SeededRandom(seed: 5, name: p.name)
            feeds[p.name] = HostTensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in rng.uniform() })
        }
        return try execute(graph, weights: weights, feeds: feeds, optimize: optimize, reuse: reuse)
    }

    @Test(arguments: graphs)
    func optimizedMatchesUnoptimized(_ name: String) throws {
        let graph = try evaluate("Graphs/\(name).graph")
        let weights = Self.weights(for: graph)
        let plain = try run(graph, weights, optimize: false, reuse: false)
        let optimized = try run(graph, weights, optimize: true)
        #expect(plain.count == optimized.count)
        for (a, b) in zip(plain, optimized) {
            #expect(a.shape == b.shape)
            let scale = max(a.data.map(abs).max() ?? 0, 1e-12)
            let error = zip(a.data, b.data).map { abs($0 - $1) }.max() ?? 0
            #expect(error <= 1e-5 * scale, "\(name): max |error| \(error), scale \(scale)")
        }
    }

    /// Graphs whose batch is unknown, run at batches other than the one they were built for.
    @Test(arguments: [("seed000_slim_resnet_mnist", 1), ("seed000_slim_resnet_mnist", 3), ("seed001_keras_resnet18", 2)])
    func optimizedMatchesUnoptimizedAtOtherBatches(_ name: String, _ batch: Int) throws {
        let graph = try evaluate("Graphs/\(name).graph")
        let weights = Self.weights(for: graph)
        let plain = try run(graph, weights, optimize: false, reuse: false, batch: batch)
        let optimized = try run(graph, weights, optimize: true, batch: batch)
        for (a, b) in zip(plain, optimized) {
            #expect(a.shape == b.shape)
            #expect(a.shape.first == batch)
            let scale = max(a.data.map(abs).max() ?? 0, 1e-12)
            #expect(zip(a.data, b.data).map { abs($0 - $1) }.max()! <= 1e-5 * scale, "\(name) at batch \(batch)")
        }
    }
}
