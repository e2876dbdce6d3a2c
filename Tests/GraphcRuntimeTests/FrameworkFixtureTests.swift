import Foundation
import GraphcFrontend
import GraphcFormats
import GraphcIR
import Testing
@testable import GraphcRuntime

/// graphc against real frameworks: Tests/Fixtures/make_fixtures.py built each fixture network
/// in TF1 slim, Keras or PyTorch with seeded weights and non-trivial batch-norm statistics and
/// saved the weights (slim names), the input and the framework's output. graphc must match
/// within max |error| <= 1e-4 * max |reference|.
@Suite struct FrameworkFixtureTests {
    static let root = repositoryRoot
    static let fixtures = root.appendingPathComponent("Tests/Fixtures")
    static let names = ["slim_residual", "slim_bottleneck", "keras_basic_block", "torch_residual_block", "torch_block1",
                        "gluon_preact_block", "small_resnet", "torch_flatten_linear", "torch_mobile_block", "torch_decoder", "slim_modern_layers"]

    func data(_ file: String) -> String { Self.fixtures.appendingPathComponent("data").appendingPathComponent(file).path }

    func graph(_ name: String) throws -> Graph {
        try evaluate("Tests/Fixtures/\(name).graph", searchPaths: [Self.root.appendingPathComponent("Graphs").path])
    }

    /// Runs `name` with `weights` (optimized unless `optimize` is false) and returns
    /// (max |error|, max |reference|).
    func errors(_ name: String, weights: WeightStore? = nil, reference: Bool = false, optimize: Bool = true) throws -> (Float, Float) {
        let unoptimized = try graph(name)
        let store = try weights ?? WeightStore.load(safetensors: data("\(name).weights.safetensors"), for: unoptimized)
        let input = try NumPyFile.read(path: data("\(name).input.npy"))
        let expected = try NumPyFile.read(path: data("\(name).output.npy"))
        let placeholder = try #require(unoptimized.placeholders.first)
        let output = try execute(unoptimized, weights: store, feeds: [placeholder.name: input], optimize: optimize, reference: reference)[0]
        #expect(output.shape == expected.shape, "\(name)")
        let error = zip(output.data, expected.data).map { abs($0 - $1) }.max() ?? .infinity
        return (error, expected.data.map(abs).max() ?? 0)
    }

    @Test(arguments: names, [false, true])
    func matchesTheFramework(_ name: String, optimized: Bool) throws {
        let (error, scale) = try errors(name, optimize: optimized)
        #expect(scale > 0.1, "\(name): the reference output should not be trivial")
        #expect(error <= 1e-4 * scale, "\(name) optimized=\(optimized): max |error| \(error), max |reference| \(scale)")
    }

    @Test(arguments: ["slim_residual", "torch_residual_block", "gluon_preact_block", "torch_mobile_block", "torch_decoder", "slim_modern_layers"])
    func referenceKernelsMatchTheFrameworkToo(_ name: String) throws {
        let (error, scale) = try errors(name, reference: true)
        #expect(error <= 1e-4 * scale, "\(name): max |error| \(error), max |reference| \(scale)")
    }

    /// Converts fixture `name`'s PyTorch state_dict, runs it, and returns the converted
    /// tensors and (max |error|, max |reference|) against PyTorch's output.
    func runConverted(_ name: String) throws -> (tensors: [(name: String, tensor: HostTensor)], error: Float, scale: Float) {
        let g = try graph(name)
        let converted = try PyTorchConverter.convert(stateDict: data("\(name).torch.safetensors"), for: g)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("graphc-converted-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Safetensors.write(converted, to: path)
        let (error, scale) = try errors(name, weights: try WeightStore.load(safetensors: path, for: g))
        return (converted, error, scale)
    }

    @Test func convertedPyTorchStateDictRunsLikePyTorch() throws {
        let g = try graph("small_resnet")
        let (converted, error, scale) = try runConverted("small_resnet")
        #expect(error <= 1e-4 * scale, "max |error| \(error), max |reference| \(scale)")
        // The script's own slim-named export agrees value for value.
        let exported = try WeightStore.load(safetensors: data("small_resnet.weights.safetensors"), for: g)
        for (name, t) in converted {
            #expect(Array(UnsafeBufferPointer(start: exported[name]!, count: t.count)) == t.data, "\(name)")
        }
    }

    @Test func convertedLinearAfterAFlattenReordersItsFeatures() throws {
        // PyTorch flattens (c, h, w), graphc (h, w, c): without the reordering this differs.
        let (_, error, scale) = try runConverted("torch_flatten_linear")
        #expect(error <= 1e-4 * scale, "max |error| \(error), max |reference| \(scale)")
    }

    @Test func converterNamesWhatDoesNotFit() throws {
        let g = try graph("torch_residual_block")
        #expect(PyTorchConverter.key(for: "block2/1/bn1/moving_variance") == "block2.1.bn1.running_var")
        #expect(PyTorchConverter.key(for: "classifier/weights") == "classifier.weight")
        do {
            _ = try PyTorchConverter.convert(stateDict: data("small_resnet.torch.safetensors"), for: g)
            Issue.record("a state_dict of another network must not convert")
        } catch {
            #expect(error.problems.contains("missing 'block.conv1.weight' for variable 'block/conv1/weights' (3, 3, 4, 8)"))
            #expect(error.problems.contains("unused key 'block1.weight': no graph variable maps to it (scopes must mirror the module names)"))
            #expect(!error.problems.contains { $0.contains("num_batches_tracked") })
        }
    }
}
