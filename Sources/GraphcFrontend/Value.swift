import GraphcDiagnostics
import GraphcIR

/// A Python list: a reference, so `append` is seen through every name bound to it.
final class ListBox {
    var items: [Value]
    init(_ items: [Value]) { self.items = items }
}

/// A Python dict in insertion order. Keys that hash (None, bools, ints, strings and tuples of
/// them) are found through an index; others by a scan.
final class DictBox {
    private(set) var keys: [Value] = []
    private(set) var values: [Value] = []
    private var positions: [HashKey: Int] = [:]
    init() {}

    /// A key's identity for hashing; True and 1 are the same key, as in Python.
    indirect enum HashKey: Hashable {
        case none, int(Int), string(String), tuple([HashKey])

        init?(_ v: Value) {
            switch v {
            case .none: self = .none
            case .bool(let b): self = .int(b ? 1 : 0)
            case .int(let i): self = .int(i)
            case .string(let s): self = .string(s)
            case .tuple(let t):
                var parts: [HashKey] = []
                for x in t { guard let k = HashKey(x) else { return nil }; parts.append(k) }
                self = .tuple(parts)
            default: return nil
            }
        }
    }

    func index(of key: Value) -> Int? {
        if let k = HashKey(key) { return positions[k] }
        return keys.firstIndex { $0.structurallyEquals(key) }
    }

    subscript(key: Value) -> Value? {
        get { index(of: key).map { values[$0] } }
        set {
            if let i = index(of: key) {
                if let newValue {
                    values[i] = newValue
                } else {
                    keys.remove(at: i); values.remove(at: i)
                    positions = [:]
                    for (j, k) in keys.enumerated() { if let h = HashKey(k) { positions[h] = j } }
                }
            } else if let newValue {
                if let h = HashKey(key) { positions[h] = keys.count }
                keys.append(key); values.append(newValue)
            }
        }
    }
}

/// A `def` (or lambda) with the environment it closes over.
final class Function {
    let name: String
    let parameters: [Parameter]
    let body: FunctionBody
    /// The scope the function was defined in. A function stored in that scope makes a cycle,
    /// so the evaluator drops every closure when it finishes (`Evaluator.run`).
    var closure: Environment?
    /// Set by `@add_arg_scope`: the function takes defaults from `arg_scope`.
    var takesArgScope = false
    /// Evaluated default values, fixed when the `def` runs (as in Python).
    var defaults: [String: Value] = [:]
    let range: SourceRange

    enum FunctionBody { case statements([Stmt]), expression(Expr) }

    init(name: String, parameters: [Parameter], body: FunctionBody, closure: Environment, range: SourceRange) {
        self.name = name
        self.parameters = parameters
        self.body = body
        self.closure = closure
        self.range = range
    }
}

/// A `namedtuple` type.
final class RecordType {
    let name: String
    let fields: [String]
    init(name: String, fields: [String]) {
        self.name = name
        self.fields = fields
    }
}

/// A module: a builtin namespace (`tf`, `slim`) or an imported graph file's globals.
final class Module {
    let name: String
    var members: [String: Value]
    init(name: String, members: [String: Value]) {
        self.name = name
        self.members = members
    }
}

/// What `with` can enter.
enum ContextManager {
    case variableScope(name: String?, defaultName: String)
    /// `variable_scope(sc)` with a scope object: its variable scope again (the full name).
    case reenteredVariableScope(String)
    case nameScope(String?)
    case argScope(ArgScope)
}

/// A value of the graph language.
enum Value {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case list(ListBox)
    case tuple([Value])
    case dict(DictBox)
    /// A lazy `range(start, stop, step)`.
    case range(Int, Int, Int)
    /// A symbolic tensor: the node that computes it.
    case tensor(NodeID)
    case shape(TensorShape)
    case function(Function)
    case builtin(Builtin)
    /// A method bound to its receiver (`shapes.append`, `t.get_shape`).
    case boundMethod(receiver: Indirect, name: String, builtin: Builtin)
    case module(Module)
    case recordType(RecordType)
    case record(RecordType, [Value])
    case context(ContextManager)
    /// What `with variable_scope(...) as sc` binds: the scope's name and its name scope.
    case variableScope(name: String, originalNameScope: String)
    /// A saved arg_scope (`with arg_scope(...) as sc: return sc`).
    case argScope(ArgScope)
    case dtype(String)
    /// Values that only matter for training (regularizers, initializers), kept so code runs.
    case opaque(String)

    final class Indirect {
        let value: Value
        init(_ value: Value) { self.value = value }
    }

    /// The Python type name, for messages.
    var typeName: String {
        switch self {
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .string: return "str"
        case .list: return "list"
        case .tuple: return "tuple"
        case .dict: return "dict"
        case .range: return "range"
        case .tensor: return "Tensor"
        case .shape: return "TensorShape"
        case .function, .builtin, .boundMethod: return "function"
        case .module: return "module"
        case .recordType: return "type"
        case .record(let t, _): return t.name
        case .context: return "context manager"
        case .variableScope: return "VariableScope"
        case .argScope: return "arg_scope"
        case .dtype: return "DType"
        case .opaque(let s): return s
        }
    }

    /// Python equality for the value kinds the language compares. Containers nested deeper
    /// than 100 levels (a list that contains itself) compare by identity.
    func structurallyEquals(_ other: Value, depth: Int = 0) -> Bool {
        guard depth < 100 else {
            if case let (.list(a), .list(b)) = (self, other) { return a === b }
            return false
        }
        func eq(_ x: Value, _ y: Value) -> Bool { x.structurallyEquals(y, depth: depth + 1) }
        switch (self, other) {
        case (.none, .none): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.int(a), .int(b)): return a == b
        case let (.float(a), .float(b)): return a == b
        case let (.int(a), .float(b)), let (.float(b), .int(a)): return Double(a) == b
        case let (.bool(a), .int(b)), let (.int(b), .bool(a)): return (a ? 1 : 0) == b
        case let (.string(a), .string(b)): return a == b
        case let (.list(a), .list(b)):
            return a === b || (a.items.count == b.items.count && zip(a.items, b.items).allSatisfy(eq))
        case let (.tuple(a), .tuple(b)):
            return a.count == b.count && zip(a, b).allSatisfy(eq)
        case let (.record(ta, a), .record(tb, b)):
            return ta === tb && zip(a, b).allSatisfy(eq)
        case let (.tensor(a), .tensor(b)): return a == b
        case let (.shape(a), .shape(b)): return a == b
        case let (.function(a), .function(b)): return a === b
        case let (.builtin(a), .builtin(b)): return a === b
        case let (.module(a), .module(b)): return a === b
        case let (.dtype(a), .dtype(b)): return a == b
        case let (.dict(a), .dict(b)):
            return a === b || (a.keys.count == b.keys.count
                && zip(a.keys, a.values).allSatisfy { k, v in b[k].map { eq(v, $0) } ?? false })
        case let (.range(a, b, c), .range(d, e, f)): return a == d && b == e && c == f
        default: return false
        }
    }
}
