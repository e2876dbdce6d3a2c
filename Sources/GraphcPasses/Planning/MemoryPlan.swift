import GraphcIR

/// Where every value and scratch area sits in the arena: what the interpreter needs from a
/// plan, and what a compiled .gplan stores.
public struct BufferAssignment: Sendable, Codable, Equatable {
    public struct ScratchArea: Sendable, Codable, Equatable {
        public var node: NodeID
        public var offset: Int
        public var elements: Int
    }

    /// Byte offset of each node's value (nil for variables and constants).
    public var valueOffset: [Int?]
    public var scratch: [ScratchArea]
    public var arenaBytes: Int

    public func scratchArea(for node: NodeID) -> ScratchArea? { scratch.first { $0.node == node } }
}

/// Every intermediate of a graph, and each convolution's im2col scratch, at an offset in one
/// arena: liveness decides which values share a buffer and when buffers live, the planner
/// places them. What `graphc compile` and `graphc shapes --memory` report.
public struct MemoryPlan: Sendable {
    public let liveness: Liveness
    /// One request per buffer, then one per scratch area.
    public let requests: [BufferPlanner.Request]
    public let offsets: [Int]
    public let strategy: BufferPlanner.Strategy
    /// Byte offset of each node's value (nil for variables and constants).
    public let valueOffset: [Int?]
    /// Byte offset and size in floats of each convolution's im2col scratch.
    public let scratch: [NodeID: (offset: Int, elements: Int)]
    public let arenaBytes: Int
    public let lowerBoundBytes: Int
    /// The node at the step where the lower bound is reached (nil for a graph with no ops).
    public let peakNode: NodeID?
    /// Every intermediate in its own buffer, no scratch.
    public let naiveBytes: Int
    /// The largest scratch area.
    public let scratchBytes: Int

    public var assignment: BufferAssignment {
        BufferAssignment(valueOffset: valueOffset,
                         scratch: scratch.map { .init(node: $0.key, offset: $0.value.offset, elements: $0.value.elements) }.sorted { $0.node < $1.node },
                         arenaBytes: arenaBytes)
    }

    /// Plans `graph` for concrete `shapes`; `reuse: false` gives every value and scratch area
    /// its own place (for debugging).
    public init(graph: Graph, shapes: [[Int]], reuse: Bool = true) {
        let liveness = Liveness(graph: graph, shapes: shapes, inPlace: reuse)
        self.liveness = liveness
        var requests = liveness.buffers.map { BufferPlanner.Request(bytes: $0.bytes, first: $0.first, last: $0.last) }
        var scratchIndex: [NodeID: (request: Int, elements: Int)] = [:]
        for node in graph.nodes {
            guard let elements = Im2col.scratchElements(node, shapes), let s = liveness.stepOf[node.id] else { continue }
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
        peakNode = graph.nodes.first { liveness.stepOf[$0.id] == bound.step && $0.op != .placeholder }?.id
        valueOffset = liveness.bufferOf.map { $0.map { chosen.offsets[$0] } }
        scratch = scratchIndex.mapValues { (chosen.offsets[$0.request], $0.elements) }
        naiveBytes = graph.nodes.filter { ($0.op == .placeholder || !$0.op.isSource) && !Liveness.isView($0.op) }
            .reduce(0) { $0 + BufferPlanner.aligned(shapes[$1.id].reduce(1, *) * 4) }
        scratchBytes = scratchIndex.values.map { $0.elements * 4 }.max() ?? 0
    }
}

/// The im2col rule: a convolution that is not a plain GEMM on its input unfolds its receptive
/// fields into a `[rows, kh*kw*cin]` matrix: the whole matrix when it is no larger than the
/// convolution's own input or output and `maxTileElements`, else tiles of rows that fit (at
/// least 64 rows, so each GEMM stays efficient). Scratch then never dominates the arena, at
/// any batch.
public enum Im2col {
    /// 8 MiB of floats: large enough for full-speed GEMMs, small next to batched activations.
    public static let maxTileElements = 2 << 20

    public static func isPointwise(_ node: Node, _ shapes: [[Int]]) -> Bool {
        guard case let .conv2d(a) = node.op else { return false }
        let x = shapes[node.inputs[0]], w = shapes[node.inputs[1]], y = shapes[node.id]
        let unpadded: Bool
        switch a.padding {
        case .valid, .same: unpadded = true
        case let .explicit(t, b, l, r): unpadded = t == 0 && b == 0 && l == 0 && r == 0
        }
        return w[0] == 1 && w[1] == 1 && a.strideH == 1 && a.strideW == 1 && unpadded && x[1] == y[1] && x[2] == y[2]
    }

    /// Floats of scratch a convolution needs, nil when it needs none.
    public static func scratchElements(_ node: Node, _ shapes: [[Int]]) -> Int? {
        guard case .conv2d = node.op, !isPointwise(node, shapes) else { return nil }
        let w = shapes[node.inputs[1]], y = shapes[node.id]
        let k = w[0] * w[1] * w[2], m = y[0] * y[1] * y[2]
        guard k > 0, m > 0 else { return nil }
        let bound = min(max(shapes[node.inputs[0]].reduce(1, *), y.reduce(1, *)), maxTileElements)
        let rows = m * k <= bound ? m : min(m, max(64, bound / k))
        return rows * k
    }
}
