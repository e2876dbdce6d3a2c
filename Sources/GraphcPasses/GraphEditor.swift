import GraphcDiagnostics
import GraphcIR

/// A graph being rewritten: nodes can be removed, rewired and added (new nodes go at the end),
/// and `finish()` restores the invariants: a topological schedule close to the original order,
/// dense ids, no removed nodes.
struct GraphEditor {
    var nodes: [Node]
    var removed: [Bool]
    var outputs: [NodeID]

    init(_ graph: Graph) {
        nodes = graph.nodes
        removed = [Bool](repeating: false, count: graph.nodes.count)
        // Pin the results: the ops nothing consumes now stay the results after rewriting.
        outputs = graph.outputs
    }

    func isOutput(_ id: NodeID) -> Bool { outputs.contains(id) }

    /// The live nodes that read `id`.
    func consumers(of id: NodeID) -> [NodeID] {
        nodes.indices.filter { !removed[$0] && nodes[$0].inputs.contains(id) }
    }

    /// Makes every reader of `old` read `new` instead. When `old` is a graph result, `new`
    /// takes its place and its name, so results keep the names users fetch them by.
    mutating func replaceUses(of old: NodeID, with new: NodeID) {
        for i in nodes.indices where !removed[i] {
            nodes[i].inputs = nodes[i].inputs.map { $0 == old ? new : $0 }
        }
        if outputs.contains(old) {
            outputs = outputs.map { $0 == old ? new : $0 }
            nodes[new].name = nodes[old].name
        }
    }

    mutating func remove(_ id: NodeID) { removed[id] = true }

    /// Adds a variable holding `values` under `name` in `weights`.
    mutating func addVariable(_ name: String, shape: [Int], values: [Float], weights: WeightStore, location: SourceLocation?) -> NodeID {
        weights.add(name, values)
        let id = nodes.count
        nodes.append(Node(id: id, name: name, op: .variable, inputs: [], shape: TensorShape(shape.map { $0 }), location: location))
        removed.append(false)
        return id
    }

    /// Makes convolution `node` (now `op`) read new weights (a variable named after the old
    /// one plus `suffix`) in place of its `.weights` input: `fill` writes them from the old
    /// values straight into the store's memory (no intermediate copies: for a 512-channel layer
    /// each copy is tens of MB of the compiler's peak). The old values are discarded when
    /// nothing else reads them, so a pass that rewrites every weight holds one tensor in two
    /// versions at a time, not all of them. Returns false, changing nothing, when the weights
    /// are not a variable with known values.
    @discardableResult
    mutating func replaceWeights(of node: NodeID, op: Op, suffix: String, shape: [Int], weights: WeightStore,
                                 fill: (UnsafePointer<Float>, UnsafeMutableBufferPointer<Float>) -> Void) -> Bool {
        let old = nodes[node].input(.weights)!
        let w = nodes[old]
        guard w.op == .variable, let values = weights[w.name] else { return false }
        let name = uniqueName(w.name + suffix)
        let buffer = weights.allocate(name, count: shape.reduce(1, *))
        fill(values, buffer)
        let new = nodes.count
        nodes.append(Node(id: new, name: name, op: .variable, inputs: [], shape: TensorShape(shape.map { $0 }), location: w.location))
        removed.append(false)
        nodes[node].op = op
        nodes[node].inputs[nodes[node].inputs.firstIndex(of: old)!] = new
        if consumers(of: old).isEmpty, !isOutput(old) { weights.discard(w.name) }
        return true
    }

    /// The values of a variable or constant node (a one-value constant broadcast to `count`),
    /// nil for any other node.
    func values(of id: NodeID, weights: WeightStore, count: Int) -> [Float]? {
        let n = nodes[id]
        switch n.op {
        case .variable: return weights.values(n.name, count: count)
        case let .constant(v): return v.count == count ? v : (v.count == 1 ? [Float](repeating: v[0], count: count) : nil)
        default: return nil
        }
    }

    /// A name not used by any node: `base`, else `base_1`, ...
    func uniqueName(_ base: String) -> String {
        let used = Set(nodes.map(\.name))
        if !used.contains(base) { return base }
        var i = 1
        while used.contains("\(base)_\(i)") { i += 1 }
        return "\(base)_\(i)"
    }

    /// The rewritten graph: live nodes in a topological order that keeps the original order
    /// where it can and puts each variable or constant just before its first reader.
    func finish() -> Graph {
        let live = nodes.indices.filter { !removed[$0] }
        var readers = [[NodeID]](repeating: [], count: nodes.count)
        var pending = [Int](repeating: 0, count: nodes.count)
        for id in live {
            for i in Set(nodes[id].inputs) { readers[i].append(id); pending[id] += 1 }
        }
        func key(_ id: NodeID) -> (Int, Int, Int) {
            if nodes[id].op.isSource, nodes[id].op != .placeholder, let first = readers[id].min() { return (first, 0, id) }
            return (id, 1, id)
        }
        var heap = MinHeap<(Int, Int, Int)>(by: <)
        for id in live where pending[id] == 0 { heap.push(key(id)) }
        var order: [NodeID] = []
        while let (_, _, id) = heap.pop() {
            order.append(id)
            for r in readers[id] {
                pending[r] -= 1
                if pending[r] == 0 { heap.push(key(r)) }
            }
        }
        var newID = [Int](repeating: -1, count: nodes.count)
        for (i, id) in order.enumerated() { newID[id] = i }
        var graph = Graph()
        for (i, id) in order.enumerated() {
            var n = nodes[id]
            n = Node(id: i, name: n.name, op: n.op, inputs: n.inputs.map { newID[$0] }, shape: n.shape, location: n.location)
            graph.nodes.append(n)
        }
        graph.markedOutputs = outputs.map { newID[$0] }
        return graph
    }
}

/// A binary min-heap.
struct MinHeap<T> {
    private var items: [T] = []
    private let less: (T, T) -> Bool
    init(by less: @escaping (T, T) -> Bool) { self.less = less }

    mutating func push(_ x: T) {
        items.append(x)
        var i = items.count - 1
        while i > 0 {
            let p = (i - 1) / 2
            if !less(items[i], items[p]) { break }
            items.swapAt(i, p)
            i = p
        }
    }

    mutating func pop() -> T? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < items.count, less(items[l], items[m]) { m = l }
            if r < items.count, less(items[r], items[m]) { m = r }
            if m == i { break }
            items.swapAt(i, m)
            i = m
        }
        return top
    }
}
