import Foundation
import GraphcCompiler
import GraphcFrontend
import GraphcIR
import GraphcTestSupport
import Testing

/// The final IR and memory plan of every bundled network, pinned as text: a change to a pass,
/// the planner or an op's description that alters what any network compiles to shows here as
/// a diff (re-record with GRAPHC_RECORD_SNAPSHOTS=1 and read the change before committing it).
@Suite struct NetworkSnapshotTests {
    static let networks = ["resnet18", "resnet_v2", "seed000_slim_resnet", "seed000_slim_resnet_mnist", "seed001_keras_resnet18",
                           "seed002_gluon_resnet", "seed003_pytorch_resnet", "seed004_resnet_v2", "vgg_16", "mobilenet_v1", "mobilenet_v2", "unet"]

    /// The network compiled as `graphc dump Graphs/NAME.graph --after PlanBuffers` does (zero
    /// weights: the IR and plan do not depend on their values), as text with arena offsets.
    static func compiledText(_ name: String) throws -> String {
        var options = EvaluationOptions.quiet
        options.searchPaths = [Repository.path("Graphs")]
        let graph = try GraphFile.evaluate(path: Repository.path("Graphs/\(name).graph"), options: options).graph
        let model = try Compiler.compile(graph, weights: WeightStore.zeros(for: graph), source: "Graphs/\(name).graph")
        let m = model.memory
        return "// \(name): batch \(model.batch), arena \(m.arenaBytes) bytes, lower bound \(m.lowerBoundBytes) bytes, \(m.strategy)\n"
            + IRPrinter.print(model, locations: false)
    }

    @Test(arguments: networks)
    func compiledNetworkIsPinned(_ name: String) throws {
        try Snapshot.check(try Self.compiledText(name), named: "networks/\(name)")
    }

    @Test func everyBundledGraphHasASnapshot() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Repository.path("Graphs")).filter { $0.hasSuffix(".graph") }
        #expect(Set(files.map { String($0.dropLast(6)) }) == Set(Self.networks))
    }
}
