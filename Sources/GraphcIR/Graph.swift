import GraphcDiagnostics

/// Index of a node in its graph; nodes are stored in creation order, which is a valid schedule.
public typealias NodeID = Int

/// One operation with a single float32 output.
public struct Node: Sendable, Codable {
    public let id: NodeID
    /// TF1-style unique name (`resnet/block1/Relu`); the output tensor is `name:0`.
    /// Variables are named by their slim checkpoint name (`resnet/block1/weights`).
    public var name: String
    public var op: Op
    public var inputs: [NodeID]
    public var shape: TensorShape
    /// The graph-file location whose call created this node, if it came from a graph file.
    public var location: SourceLocation?

    public init(id: NodeID, name: String, op: Op, inputs: [NodeID], shape: TensorShape, location: SourceLocation?) {
        self.id = id
        self.name = name
        self.op = op
        self.inputs = inputs
        self.shape = shape
        self.location = location
    }

    /// The TF tensor name of the output, `name:0`.
    public var tensorName: String { name + ":0" }
}

/// A static computation graph: nodes in a topological order, its inputs and outputs.
public struct Graph: Sendable, Codable {
    public var nodes: [Node] = []
    /// Nodes the caller marked as results; when empty, every node nothing consumes counts.
    public var markedOutputs: [NodeID] = []

    public init() {}

    public subscript(id: NodeID) -> Node {
        get { nodes[id] }
        set { nodes[id] = newValue }
    }

    public var placeholders: [Node] { nodes.filter { $0.op == .placeholder } }
    public var variables: [Node] { nodes.filter { $0.op == .variable } }

    /// The graph's results: the marked outputs, else every computing node with no consumer.
    public var outputs: [NodeID] {
        if !markedOutputs.isEmpty { return markedOutputs }
        var used = [Bool](repeating: false, count: nodes.count)
        for node in nodes { for i in node.inputs { used[i] = true } }
        return nodes.filter { !used[$0.id] && !$0.op.isSource }.map(\.id)
    }

    /// For each node, the nodes that read it, in schedule order.
    public func consumers() -> [[NodeID]] {
        var result = [[NodeID]](repeating: [], count: nodes.count)
        for node in nodes { for i in node.inputs where !result[i].contains(node.id) { result[i].append(node.id) } }
        return result
    }
}
