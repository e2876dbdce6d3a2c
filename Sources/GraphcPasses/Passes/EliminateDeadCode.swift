import GraphcIR

/// EliminateDeadCode: removes every node the graph's results do not depend on, variables
/// included (their values are no longer needed). Leaves the results and what they read.
enum EliminateDeadCode {
    static let pass = Pass(name: "EliminateDeadCode", summary: "remove nodes no result depends on") { program in
        program.graph = run(program.graph)
    }

    static func run(_ graph: Graph) -> Graph {
        var editor = GraphEditor(graph)
        var needed = [Bool](repeating: false, count: graph.nodes.count)
        var stack = editor.outputs
        while let id = stack.popLast() {
            if needed[id] { continue }
            needed[id] = true
            stack.append(contentsOf: graph[id].inputs)
        }
        for id in graph.nodes.indices where !needed[id] { editor.remove(id) }
        return editor.finish()
    }
}
