import GraphcIR

/// A Graphviz picture of a graph: variable scopes as nested clusters, one box per op (fused
/// ops filled and labelled with their epilogue), edges labelled with the shapes they carry.
/// Variables and constants are left out to keep the picture readable.
enum DotWriter {
    static func dot(_ graph: Graph, title: String) -> String {
        final class Scope {
            var children: [String: Scope] = [:]
            var order: [String] = []
            var nodes: [NodeID] = []
            func child(_ name: String) -> Scope {
                if let c = children[name] { return c }
                let c = Scope()
                children[name] = c
                order.append(name)
                return c
            }
        }
        let root = Scope()
        for node in graph.nodes where node.op == .placeholder || !node.op.isSource {
            var scope = root
            for part in node.name.split(separator: "/").dropLast() { scope = scope.child(String(part)) }
            scope.nodes.append(node.id)
        }
        var out = "digraph graphc {\n  label=\"\(escape(title))\";\n  labelloc=t;\n  rankdir=TB;\n"
        out += "  node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=8];\n"
        var clusterCount = 0
        func emit(_ scope: Scope, _ name: String, _ indent: String) {
            for id in scope.nodes { out += indent + nodeLine(graph[id]) + "\n" }
            for childName in scope.order {
                clusterCount += 1
                out += indent + "subgraph cluster_\(clusterCount) {\n"
                out += indent + "  label=\"\(escape(childName))\"; style=rounded; color=gray60; fontsize=10;\n"
                emit(scope.children[childName]!, childName, indent + "  ")
                out += indent + "}\n"
            }
        }
        emit(root, "", "  ")
        for node in graph.nodes where !node.op.isSource {
            for input in node.inputs where graph[input].op == .placeholder || !graph[input].op.isSource {
                out += "  n\(input) -> n\(node.id) [label=\"\(graph[input].shape)\"];\n"
            }
        }
        for id in graph.outputs { out += "  n\(id) -> out\(id);\n  out\(id) [shape=plaintext, label=\"\(escape(graph[id].tensorName))\\n\(graph[id].shape)\"];\n" }
        return out + "}\n"
    }

    static func nodeLine(_ node: Node) -> String {
        let leaf = node.name.split(separator: "/").last.map(String.init) ?? node.name
        var label = node.op.typeName
        var fused = false
        if let e = node.op.epilogue, !e.isEmpty {
            fused = true
            label += " +" + e.attributes.joined(separator: " +")
        }
        if node.op == .placeholder { label = "input" }
        let style = fused ? ", style=\"rounded,filled\", fillcolor=\"#ffe9b3\"" : (node.op == .placeholder ? ", shape=oval" : "")
        return "n\(node.id) [label=\"\(escape(label))\\n\(escape(leaf))\"\(style)];"
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}

private extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = Substring(self)
        while let r = rest.firstRange(of: target) {
            out += rest[..<r.lowerBound] + replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}
