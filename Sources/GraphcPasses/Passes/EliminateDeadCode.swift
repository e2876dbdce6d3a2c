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

    /// Removes only variables and constants nothing reads (what a rewrite left behind), keeping
    /// every computing node: the cleanup lowerings do, which run at -O0 too.
    static func unusedSources(_ graph: Graph) -> Graph {
        var editor = GraphEditor(graph)
        var read = [Bool](repeating: false, count: graph.nodes.count)
        for node in graph.nodes { for i in node.inputs { read[i] = true } }
        for node in graph.nodes where node.op.isSource && node.op != .placeholder && !read[node.id] && !editor.isOutput(node.id) {
            editor.remove(node.id)
        }
        return editor.finish()
    }
}
