import GraphcDiagnostics

/// Builds a `Graph` the way TF1 does: ops are named uniquely within name scopes, variables
/// get slim checkpoint names within variable scopes, and every node's shape is inferred as
/// it is made. The graph-file evaluator uses this API; Swift code can use it directly.
///
///     let b = GraphBuilder()
///     let x = try b.placeholder(name: "input", shape: [1, 224, 224, 3])
///     try b.withVariableScope("conv1") {
///         let w = try b.variable("weights", shape: [7, 7, 3, 64])
///         _ = try b.add(.conv2d(.init(strideH: 2, strideW: 2, padding: .same)), [x, w], name: "Conv2D")
///     }
public final class GraphBuilder {
    public private(set) var graph = Graph()
    /// Stamped on each node made; the evaluator sets it to the call being evaluated.
    public var location: SourceLocation?

    /// Lower-cased full names already used by ops and name scopes, with TF's counters.
    private var namesInUse: [String: Int] = [:]
    /// The current name scope ("" at the root, else "a/b").
    public private(set) var nameScope = ""
    /// The current variable scope ("" at the root, else "a/b").
    public private(set) var variableScope = ""
    /// How often each full variable-scope name was opened (TF's variable_scopes_count).
    private var variableScopeCounts: [String: Int] = [:]
    private var variablesByName: [String: NodeID] = [:]
    private var stack: [(nameScope: String, variableScope: String)] = []

    public init() {}

    // MARK: Names

    /// TF's `Graph.unique_name`: `name` inside the current name scope, made unique with `_1`, `_2`...
    public func uniqueName(_ name: String, markAsUsed: Bool = true) -> String {
        let full = nameScope.isEmpty ? name : nameScope + "/" + name
        let key = full.lowercased()
        var i = namesInUse[key, default: 0]
        if markAsUsed { namesInUse[key] = i + 1 }
        guard i > 0 else { return full }
        var candidate = "\(key)_\(i)"
        while namesInUse[candidate] != nil {
            i += 1
            candidate = "\(key)_\(i)"
        }
        if markAsUsed { namesInUse[candidate] = 1 }
        return "\(full)_\(i)"
    }

    /// Enters `name_scope(name)`: a new unique scope below the current one. Pair with `popScope()`.
    public func pushNameScope(_ name: String) {
        stack.append((nameScope, variableScope))
        nameScope = uniqueName(name)
    }

    /// Enters `variable_scope(name)` (or, with a nil name, a unique scope from `defaultName`),
    /// which also opens a name scope, as TF does. Returns the full variable-scope name.
    @discardableResult
    public func pushVariableScope(_ name: String?, defaultName: String = "scope") -> String {
        let local: String
        if let name {
            local = name
        } else {
            let base = variableScope.isEmpty ? defaultName : variableScope + "/" + defaultName
            if variableScopeCounts[base, default: 0] == 0 {
                local = defaultName
            } else {
                var i = 1
                while variableScopeCounts["\(base)_\(i)", default: 0] > 0 { i += 1 }
                local = "\(defaultName)_\(i)"
            }
        }
        stack.append((nameScope, variableScope))
        let full = variableScope.isEmpty ? local : variableScope + "/" + local
        variableScopeCounts[full, default: 0] += 1
        variableScope = full
        nameScope = uniqueName(local)
        return full
    }

    /// Enters the variable scope `full` again, as TF does for `variable_scope(scope_object)`:
    /// variables go under `full` itself, and ops under a new name scope named after its last
    /// part, opened where the code now is (slim's MobileNet v1 makes ops
    /// `MobilenetV1/MobilenetV1/Conv2d_0/...` this way).
    public func reenterVariableScope(_ full: String) {
        stack.append((nameScope, variableScope))
        variableScope = full
        nameScope = uniqueName(String(full.split(separator: "/").last ?? ""))
    }

    /// Leaves the innermost scope. Leaving a variable scope forgets how often its sub-scopes
    /// were opened, as TF's `close_variable_subscopes` does.
    public func popScope() {
        guard let top = stack.popLast() else { return }
        if top.variableScope != variableScope {
            let prefix = variableScope + "/"
            for key in variableScopeCounts.keys where key.hasPrefix(prefix) { variableScopeCounts[key] = 0 }
        }
        nameScope = top.nameScope
        variableScope = top.variableScope
    }

    /// Runs `body` inside `variable_scope(name)`.
    public func withVariableScope<T>(_ name: String?, defaultName: String = "scope", _ body: () throws -> T) rethrows -> T {
        pushVariableScope(name, defaultName: defaultName)
        defer { popScope() }
        return try body()
    }

    /// Runs `body` inside `name_scope(name)`.
    public func withNameScope<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        pushNameScope(name)
        defer { popScope() }
        return try body()
    }

    // MARK: Nodes

    /// The most elements one tensor may have (2^34 floats, 64 GiB): larger shapes are mistakes,
    /// and keeping below it keeps every byte count of a plan far from overflowing.
    public static let maxElements = 1 << 34

    /// Throws when `shape` has more than `maxElements` elements (unknown dimensions count 1).
    public static func checkSize(_ shape: TensorShape, _ what: String) throws(ShapeError) {
        var n = 1
        for d in shape.dims {
            let (p, o) = n.multipliedReportingOverflow(by: d ?? 1)
            guard !o, p <= maxElements else {
                throw ShapeError("\(what) of shape \(shape) is too large (more than \(maxElements) elements)")
            }
            n = p
        }
    }

    /// A graph input; nil dimensions are fed at run time.
    public func placeholder(name: String = "Placeholder", shape: TensorShape) throws(ShapeError) -> NodeID {
        for d in shape.dims { if let d, d < 0 { throw ShapeError("placeholder dimensions must not be negative, got \(shape)") } }
        try Self.checkSize(shape, "placeholder")
        return append(.placeholder, [], name: uniqueName(name), shape: shape)
    }

    /// The unique name `placeholder(name:)` would give, without using it.
    public func nextName(_ name: String) -> String { uniqueName(name, markAsUsed: false) }

    /// A variable named `<variable scope>/<name>`; making the same variable twice is an error,
    /// as in TF without `reuse=True`.
    public func variable(_ name: String, shape: [Int]) throws(ShapeError) -> NodeID {
        let full = variableScope.isEmpty ? name : variableScope + "/" + name
        if variablesByName[full] != nil {
            throw ShapeError("variable '\(full)' already exists; each layer needs its own scope")
        }
        guard shape.allSatisfy({ $0 >= 0 }) else { throw ShapeError("variable '\(full)' would have a negative dimension: \(listText(shape))") }
        try Self.checkSize(TensorShape(shape.map { $0 }), "variable '\(full)'")
        let id = append(.variable, [], name: full, shape: TensorShape(shape))
        variablesByName[full] = id
        return id
    }

    public func constant(_ values: [Float], shape: [Int], name: String = "Const") -> NodeID {
        append(.constant(values), [], name: uniqueName(name), shape: TensorShape(shape))
    }

    /// Adds a computing node named `name` in the current name scope, inferring its shape.
    @discardableResult
    public func add(_ op: Op, _ inputs: [NodeID], name: String) throws(ShapeError) -> NodeID {
        try add(op, inputs, exactName: uniqueName(name))
    }

    /// Adds a node under a full name already made unique (TF's `mul` and its `mul/y`).
    @discardableResult
    public func add(_ op: Op, _ inputs: [NodeID], exactName: String) throws(ShapeError) -> NodeID {
        let shape = try ShapeInference.infer(op, inputs: inputs.map { graph[$0].shape })
        try Self.checkSize(shape, "the result of \(op.typeName)")
        return append(op, inputs, name: exactName, shape: shape)
    }

    /// A constant under a full name already made unique (and marks it used).
    public func constant(_ values: [Float], shape: [Int], exactName: String) -> NodeID {
        namesInUse[exactName.lowercased(), default: 0] += 1
        return append(.constant(values), [], name: exactName, shape: TensorShape(shape))
    }

    /// Marks a node as a result of the graph.
    public func markOutput(_ id: NodeID) {
        if !graph.markedOutputs.contains(id) { graph.markedOutputs.append(id) }
    }

    private func append(_ op: Op, _ inputs: [NodeID], name: String, shape: TensorShape) -> NodeID {
        let id = graph.nodes.count
        graph.nodes.append(Node(id: id, name: name, op: op, inputs: inputs, shape: shape, location: location))
        return id
    }
}
