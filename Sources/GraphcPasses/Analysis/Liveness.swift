import GraphcIR

/// Which values share a buffer and when each buffer is live, over the schedule (one step per
/// computing node, in graph order). Shared by the buffer planner and the dumps.
///
/// - Reshape and squeeze are views: they use their input's buffer.
/// - An op may run in place on an input its schema lists in `inPlaceInputs` when it is that
///   buffer's last reader and the sizes match: elementwise ops, softmax, and a fused
///   convolution or matmul on its residual (the GEMM accumulates onto the shortcut).
/// - Graph results live to the last step; placeholders from the first.
public struct Liveness: Sendable {
    /// A buffer: the values in it, its size and the steps it is live at (inclusive).
    public struct Buffer: Sendable, Equatable {
        public var values: [NodeID]
        public var bytes: Int
        public var first: Int
        public var last: Int
    }

    /// The step of each computing node (nil for variables and constants).
    public let stepOf: [Int?]
    public let stepCount: Int
    /// The buffer each node's value lives in (nil for variables and constants).
    public let bufferOf: [Int?]
    public let buffers: [Buffer]
    /// Whether ops were allowed to run in place on an input.
    public let inPlace: Bool

    /// Element counts are computed from `shapes` (the concrete shape of every node).
    public init(graph: Graph, shapes: [[Int]], inPlace: Bool = true) {
        self.inPlace = inPlace
        let n = graph.nodes.count
        var stepOf = [Int?](repeating: nil, count: n)
        var step = 0
        for node in graph.nodes where !node.op.isSource || node.op == .placeholder {
            stepOf[node.id] = node.op == .placeholder ? 0 : step
            if node.op != .placeholder { step += 1 }
        }
        let last = max(step - 1, 0)
        stepCount = max(step, 1)
        self.stepOf = stepOf

        func bytes(_ id: NodeID) -> Int { shapes[id].reduce(1, *) * 4 }
        let outputs = Set(graph.outputs)

        // Views read their base's buffer; a value's last use counts its views' readers.
        var base = [NodeID](0..<n)
        for node in graph.nodes where node.op.schema.isView { base[node.id] = base[node.inputs[0]] }
        var lastUse = [Int](repeating: -1, count: n)
        for node in graph.nodes {
            guard let s = stepOf[node.id] else { continue }
            lastUse[base[node.id]] = max(lastUse[base[node.id]], s)
            for i in node.inputs where stepOf[i] != nil { lastUse[base[i]] = max(lastUse[base[i]], s) }
            if outputs.contains(node.id) { lastUse[base[node.id]] = last }
        }

        var bufferOf = [Int?](repeating: nil, count: n)
        var buffers: [Buffer] = []
        for node in graph.nodes {
            guard let s = stepOf[node.id] else { continue }
            if node.op.schema.isView, let b = bufferOf[node.inputs[0]] {
                bufferOf[node.id] = b
                buffers[b].values.append(node.id)
                continue
            }
            var target: Int?
            if inPlace {
                for i in node.op.schema.inPlaceInputs {
                    let input = node.inputs[i]
                    // The op must be the buffer's last reader, so nothing later sees it overwritten.
                    guard let b = bufferOf[input], buffers[b].last == s, shapes[input].reduce(1, *) == shapes[node.id].reduce(1, *),
                          !buffers[b].values.contains(where: { outputs.contains($0) }),
                          !node.inputs.enumerated().contains(where: { $0.offset != i && bufferOf[$0.element] == b }) else { continue }
                    target = b
                    break
                }
            }
            if let b = target {
                bufferOf[node.id] = b
                buffers[b].values.append(node.id)
                buffers[b].bytes = max(buffers[b].bytes, bytes(node.id))
                buffers[b].last = max(buffers[b].last, lastUse[node.id])
            } else {
                bufferOf[node.id] = buffers.count
                buffers.append(Buffer(values: [node.id], bytes: bytes(node.id), first: s, last: max(s, lastUse[node.id])))
            }
        }
        self.bufferOf = bufferOf
        self.buffers = buffers
    }
}
