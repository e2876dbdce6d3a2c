import ArgumentParser
import GraphcFormats
import GraphcIR

/// `graphc init FILE -o w.safetensors`: writes seeded initial values for every variable.
struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write seeded initial weights for the graph's variables to a safetensors file.")

    @OptionGroup var graph: GraphOptions

    @Option(name: .shortAndLong, help: ArgumentHelp("The safetensors file to write.", valueName: "file.safetensors"))
    var output: String

    @Option(parsing: .unconditional, help: "Seed of the initial values.")
    var seed: UInt64 = 0

    func run() throws {
        try graph.requireGraphFile("init writes initial weights for a graph file; a plan holds its weights already")
        try OutputPath.check(output)
        let g = try graph.evaluate(printing: false, inputs: try graph.readInputFiles()).graph
        // The values, and their copy on the way to the file.
        try reportingErrors { try MemoryBudget.check(MemoryBudget.bytes(floats: g.variables.map(\.shape.elementCountPerUnknown), copies: 2), "the initial weights") }
        let store = WeightStore.initialize(g, seed: seed)
        try reportingErrors {
            try Safetensors.write(store.tensors(for: g), metadata: ["producer": "graphc init", "seed": "\(seed)"], to: output)
        }
        print("wrote \(g.variables.count) variables to \(output)")
    }
}
