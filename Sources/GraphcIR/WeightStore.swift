import Foundation

/// The values of a graph's variables, by variable name: borrowed from memory someone else
/// keeps alive (a memory-mapped file) or owned copies. Passes add folded values under new names.
public final class WeightStore: @unchecked Sendable {
    private var pointers: [String: UnsafePointer<Float>] = [:]
    private var owned: [UnsafeMutableBufferPointer<Float>] = []
    private let keepAlive: AnyObject?
    /// Where the values came from, for messages.
    public let source: String

    public init(source: String, keepAlive: AnyObject? = nil) {
        self.source = source
        self.keepAlive = keepAlive
    }

    /// A store that starts with every value of `base`, borrowed (`base` is kept alive with it):
    /// what the compiler rewrites, so the caller's store never changes.
    public convenience init(borrowing base: WeightStore) {
        self.init(source: base.source, keepAlive: base)
        pointers = base.pointers
    }

    /// A store whose every variable of `graph` holds zeros, in memory the system hands out
    /// untouched: for commands that need the optimized graph and its plan but not the values
    /// (which never change either), without the cost of making real ones.
    public static func zeros(for graph: Graph) -> WeightStore {
        let store = WeightStore(source: "zeros")
        for v in graph.variables {
            let count = max(v.shape.elementCountPerUnknown, 1)
            guard let memory = calloc(count, MemoryLayout<Float>.stride) else { continue }
            let pointer = memory.assumingMemoryBound(to: Float.self)
            store.zeroed.append(pointer)
            store.pointers[v.name] = UnsafePointer(pointer)
        }
        return store
    }

    /// Memory from `calloc`, freed with `free`.
    private var zeroed: [UnsafeMutablePointer<Float>] = []

    deinit {
        for b in owned { b.deallocate() }
        for p in zeroed { free(p) }
    }

    public subscript(name: String) -> UnsafePointer<Float>? { pointers[name] }

    /// Names `pointer`, whose memory the store's `keepAlive` object owns.
    public func borrow(_ name: String, _ pointer: UnsafePointer<Float>) { pointers[name] = pointer }

    /// Stores a copy of `values` under `name`.
    @discardableResult
    public func add(_ name: String, _ values: [Float]) -> UnsafePointer<Float> {
        let b = allocate(name, count: values.count)
        _ = b.initialize(from: values)
        return UnsafePointer(b.baseAddress!)
    }

    /// Owned, zeroed storage for `count` values under `name`.
    public func allocate(_ name: String, count: Int) -> UnsafeMutableBufferPointer<Float> {
        let b = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(count, 1))
        b.initialize(repeating: 0)
        owned.append(b)
        pointers[name] = UnsafePointer(b.baseAddress!)
        return b
    }

    /// Forgets the value under `name`, freeing it if the store owns it: a pass that replaced
    /// the last reader of a variable drops the old values at once, so the compiler's peak
    /// memory holds one tensor in two versions, not every tensor.
    public func discard(_ name: String) {
        guard let p = pointers.removeValue(forKey: name) else { return }
        if let i = owned.firstIndex(where: { UnsafePointer($0.baseAddress!) == p }), !pointers.values.contains(p) {
            owned[i].deallocate()
            owned.remove(at: i)
        }
    }

    /// Forgets every value not named in `names`, freeing the ones it owns (what folding replaced).
    public func retain(only names: Set<String>) {
        var kept: [UnsafeMutableBufferPointer<Float>] = []
        for b in owned {
            let name = pointers.first { $0.value == UnsafePointer(b.baseAddress!) }?.key
            if let name, names.contains(name) { kept.append(b) } else { b.deallocate() }
        }
        owned = kept
        pointers = pointers.filter { names.contains($0.key) }
    }

    /// A copy of the `count` values under `name`.
    public func values(_ name: String, count: Int) -> [Float]? {
        pointers[name].map { Array(UnsafeBufferPointer(start: $0, count: count)) }
    }

    /// Every variable of `graph` as a host tensor, in graph order.
    public func tensors(for graph: Graph) -> [(name: String, tensor: HostTensor)] {
        graph.variables.map { v in
            let shape = v.shape.dims.map { $0 ?? 0 }
            return (v.name, HostTensor(shape: shape, data: values(v.name, count: shape.reduce(1, *)) ?? []))
        }
    }
}
