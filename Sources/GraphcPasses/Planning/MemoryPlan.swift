import GraphcIR

/// Every intermediate of a graph, and the scratch each kernel asked for, at an offset in one
/// arena: liveness decides which values share a buffer and when buffers live, the planner
/// places them (the compiler's PlanBuffers step).
public struct MemoryPlan: Sendable {
    public let liveness: Liveness
    /// One request per buffer, then one per scratch area.
    public let requests: [BufferPlanner.Request]
    public let offsets: [Int]
    public let strategy: BufferPlanner.Strategy
    /// Byte offset of each node's value (nil for variables and constants).
    public let valueOffset: [Int?]
    /// Byte offset and size in floats of each scratch area.
    public let scratch: [NodeID: (offset: Int, elements: Int)]
    public let arenaBytes: Int
    public let lowerBoundBytes: Int
    /// The node at the step where the lower bound is reached (nil for a graph with no ops).
    public let peakNode: NodeID?
    /// Every intermediate in its own buffer, no scratch.
    public let naiveBytes: Int
    /// The largest scratch area.
    public let scratchBytes: Int

    /// The figures a memory report shows.
    public var figures: MemoryFigures {
        MemoryFigures(strategy: strategy.rawValue, naiveBytes: naiveBytes, lowerBoundBytes: lowerBoundBytes, peakNode: peakNode,
                      arenaBytes: arenaBytes, scratchBytes: scratchBytes)
    }

    public var assignment: BufferAssignment {
        BufferAssignment(valueOffset: valueOffset,
                         scratch: scratch.map { .init(node: $0.key, offset: $0.value.offset, elements: $0.value.elements) }.sorted { $0.node < $1.node },
                         arenaBytes: arenaBytes, inPlace: liveness.inPlace)
    }

    /// Plans `graph` for concrete `shapes` and `scratch` (floats a node's kernel needs while it
    /// runs); `reuse: false` gives every value and scratch area its own place (for debugging).
    public init(graph: Graph, shapes: [[Int]], scratch scratchElements: [NodeID: Int] = [:], reuse: Bool = true) {
        let liveness = Liveness(graph: graph, shapes: shapes, inPlace: reuse)
        self.liveness = liveness
        var requests = liveness.buffers.map { BufferPlanner.Request(bytes: $0.bytes, first: $0.first, last: $0.last) }
        var scratchIndex: [NodeID: (request: Int, elements: Int)] = [:]
        for node in graph.nodes {
            guard let elements = scratchElements[node.id], let s = liveness.stepOf[node.id] else { continue }
            scratchIndex[node.id] = (requests.count, elements)
            requests.append(BufferPlanner.Request(bytes: elements * 4, first: s, last: s))
        }
        self.requests = requests
        let chosen = reuse ? BufferPlanner.best(requests) : { let p = BufferPlanner.plan(requests, strategy: .noReuse); return (p.offsets, p.arena, BufferPlanner.Strategy.noReuse) }()
        offsets = chosen.offsets
        strategy = chosen.strategy
        arenaBytes = chosen.arena
        let bound = BufferPlanner.lowerBound(requests)
        lowerBoundBytes = bound.bytes
        peakNode = Self.peakNode(graph, liveness, step: bound.step)
        valueOffset = liveness.bufferOf.map { $0.map { chosen.offsets[$0] } }
        scratch = scratchIndex.mapValues { (chosen.offsets[$0.request], $0.elements) }
        naiveBytes = Self.naiveBytes(graph, shapes)
        scratchBytes = scratchIndex.values.map { $0.elements * 4 }.max() ?? 0
    }
}

extension MemoryPlan {
    /// The figures of an assignment made elsewhere (a stored plan), worked out again from its
    /// graph and shapes; its strategy shows as "stored".
    public static func figures(of assignment: BufferAssignment, graph: Graph, shapes: [[Int]]) -> MemoryFigures {
        let liveness = Liveness(graph: graph, shapes: shapes, inPlace: assignment.inPlace)
        var requests = liveness.buffers.map { BufferPlanner.Request(bytes: $0.bytes, first: $0.first, last: $0.last) }
        for area in assignment.scratch {
            if let step = liveness.stepOf[area.node] { requests.append(.init(bytes: area.elements * 4, first: step, last: step)) }
        }
        let bound = BufferPlanner.lowerBound(requests)
        return MemoryFigures(strategy: "stored", naiveBytes: naiveBytes(graph, shapes), lowerBoundBytes: bound.bytes,
                             peakNode: peakNode(graph, liveness, step: bound.step), arenaBytes: assignment.arenaBytes,
                             scratchBytes: assignment.scratch.map { $0.elements * 4 }.max() ?? 0)
    }

    /// Every value in its own aligned buffer (views share their input's).
    static func naiveBytes(_ graph: Graph, _ shapes: [[Int]]) -> Int {
        graph.nodes.filter { ($0.op == .placeholder || !$0.op.isSource) && !$0.op.schema.isView }
            .reduce(0) { $0 + BufferPlanner.aligned(shapes[$1.id].reduce(1, *) * 4) }
    }

    /// The op computed at `step`.
    static func peakNode(_ graph: Graph, _ liveness: Liveness, step: Int) -> NodeID? {
        graph.nodes.first { liveness.stepOf[$0.id] == step && $0.op != .placeholder }?.id
    }
}
