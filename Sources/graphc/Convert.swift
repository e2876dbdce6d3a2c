import ArgumentParser
import GraphcFormats

/// `graphc convert FILE --pytorch state.safetensors -o weights.safetensors`.
struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert a PyTorch state_dict (saved as safetensors) to the graph's variable names and layouts.")

    @OptionGroup var graph: GraphOptions

    @Option(help: ArgumentHelp("A PyTorch state_dict saved with safetensors.torch.save_file.", valueName: "state.safetensors"))
    var pytorch: String

    @Option(name: .shortAndLong, help: ArgumentHelp("The safetensors file to write.", valueName: "file.safetensors"))
    var output: String

    func run() throws {
        try graph.requireGraphFile("convert maps a state_dict to a graph file's variables; convert for the graph file, then compile it")
        try OutputPath.check(output)
        let g = try graph.evaluate(printing: false, inputs: try graph.readInputFiles()).graph
        let tensors = try reportingErrors { try PyTorchConverter.convert(stateDict: pytorch, for: g) }
        try reportingErrors { try Safetensors.write(tensors, metadata: ["producer": "graphc convert", "source": pytorch], to: output) }
        print("wrote \(tensors.count) variables to \(output)")
    }
}
