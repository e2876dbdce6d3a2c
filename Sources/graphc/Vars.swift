import ArgumentParser
import GraphcIR

/// `graphc vars FILE`: the variables a weights file must hold.
struct Vars: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the variables the graph expects: name, shape, element count.")

    @OptionGroup var graph: GraphOptions

    func run() throws {
        let variables = try graph.evaluate(printing: false).graph.variables
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
