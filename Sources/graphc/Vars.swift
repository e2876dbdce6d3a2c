import ArgumentParser
import GraphcIR

/// `graphc vars FILE`: the variables a weights file must hold.
struct Vars: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the variables the graph expects: name, shape, element count.")

    @OptionGroup var graph: GraphOptions

    func run() throws {
        try graph.requireGraphFile("vars lists the variables a graph file's weights must hold; a plan holds its folded weights already (graphc dump shows its graph)")
        let variables = try graph.evaluate(printing: false, inputs: try graph.readInputFiles()).graph.variables
        let width = variables.map(\.name.count).max() ?? 4
        var total = 0
        for v in variables {
            let count = v.shape.elementCountPerUnknown
            total += count
            print(v.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + "\(v.shape)".padding(toLength: 22, withPad: " ", startingAt: 0) + "\(count)")
        }
        print("\(variables.count) variables, \(total) values")
    }
}
