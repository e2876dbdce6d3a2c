import GraphcDiagnostics
import GraphcIR

/// A builtin function's parameters: names with defaults (nil = required), and whether it takes
/// extra positional (`*args`) or keyword (`**kwargs`) arguments.
struct Signature {
    var parameters: [(name: String, defaultValue: Value?)]
    var variadic: Bool = false
    var variadicKeywords: Bool = false
    /// How many parameters positional arguments fill; the rest are keyword-only (as after `*args`).
    var positionalCount: Int

    init(_ parameters: [(String, Value?)], variadic: Bool = false, variadicKeywords: Bool = false, positionalCount: Int? = nil) {
        self.parameters = parameters.map { (name: $0.0, defaultValue: $0.1) }
        self.variadic = variadic
        self.variadicKeywords = variadicKeywords
        self.positionalCount = positionalCount ?? parameters.count
    }

    var names: [String] { parameters.map(\.name) }
}

/// The modules a builtin is found in besides the global names: `tf.nn.relu6`, `slim.conv2d`.
enum Namespace: String, CaseIterable {
    case tf = "tf", nn = "tf.nn", image = "tf.image", slim = "slim", slimUtils = "slim.utils"
}

/// A function implemented in Swift: a language builtin or a TF / slim op.
final class Builtin {
    let name: String
    let signature: Signature
    /// slim's `@add_arg_scope`: `arg_scope` may give this builtin defaults.
    let takesArgScope: Bool
    /// Where else than the globals the builtin is found, declared where it is defined.
    let namespaces: Set<Namespace>
    let body: (Evaluator, inout Arguments) throws -> Value

    init(_ name: String, _ signature: Signature, argScope: Bool = false, in namespaces: Set<Namespace> = [],
         _ body: @escaping (Evaluator, inout Arguments) throws -> Value) {
        self.name = name
        self.signature = signature
        self.takesArgScope = argScope
        self.namespaces = namespaces
        self.body = body
    }
}

/// One argument value and where it came from.
struct ArgumentValue {
    var value: Value
    var range: SourceRange
    /// Set when the value was supplied by an `arg_scope` rather than written at the call.
    var argScopeRange: SourceRange?
    /// Set when the parameter's default was used because nothing supplied a value.
    var isDefault = false
}

/// The arguments of a builtin call, bound to its parameter names, with typed accessors that
/// report a wrong value at the argument that carried it.
struct Arguments {
    let callee: String
    let callRange: SourceRange
    var values: [String: ArgumentValue] = [:]
    var extra: [ArgumentValue] = []
    var extraKeywords: [(name: String, value: ArgumentValue)] = []

    func has(_ name: String) -> Bool { values[name] != nil }
    subscript(name: String) -> Value { values[name]?.value ?? .none }

    func range(of name: String) -> SourceRange { values[name]?.range ?? callRange }

    /// A diagnostic at the argument `name` (or the call), noting the arg_scope that supplied it.
    func error(_ message: String, argument name: String? = nil) -> Diagnostic {
        var d = Diagnostic(message, at: name.map(range(of:)) ?? callRange)
        if let name, let scope = values[name]?.argScopeRange {
            d = Diagnostic(message, at: callRange)
            d.notes.append(.init("'\(name)' was set by this arg_scope", at: scope))
        }
        return d
    }

    func int(_ name: String) throws -> Int {
        switch self[name] {
        case .int(let v): return v
        case .bool: throw error("'\(name)' of \(callee) must be an int, got a bool", argument: name)
        case let v: throw error("'\(name)' of \(callee) must be an int, got \(v.typeName)", argument: name)
        }
    }

    func optionalInt(_ name: String) throws -> Int? {
        if case .none = self[name] { return nil }
        return try int(name)
    }

    func double(_ name: String) throws -> Double {
        switch self[name] {
        case .int(let v): return Double(v)
        case .float(let v): return v
        case let v: throw error("'\(name)' of \(callee) must be a number, got \(v.typeName)", argument: name)
        }
    }

    func bool(_ name: String) throws -> Bool {
        switch self[name] {
        case .bool(let v): return v
        case let v: throw error("'\(name)' of \(callee) must be True or False, got \(v.typeName)", argument: name)
        }
    }

    func string(_ name: String) throws -> String {
        guard case .string(let s) = self[name] else {
            throw error("'\(name)' of \(callee) must be a string, got \(self[name].typeName)", argument: name)
        }
        return s
    }

    func optionalString(_ name: String) throws -> String? {
        if case .none = self[name] { return nil }
        return try string(name)
    }

    func tensor(_ name: String) throws -> NodeID {
        guard case .tensor(let t) = self[name] else {
            throw error("'\(name)' of \(callee) must be a tensor, got \(self[name].typeName)", argument: name)
        }
        return t
    }

    /// An int list (`[3, 3]`, `(1, 2)`) or, with `pairFromInt`, one int used for both.
    func ints(_ name: String) throws -> [Int] {
        switch self[name] {
        case .list(let l): return try l.items.map { try elementInt($0, name) }
        case .tuple(let t): return try t.map { try elementInt($0, name) }
        case .shape(let s):
            return try s.dims.map { d throws -> Int in
                guard let d else { throw error("'\(name)' of \(callee) has an unknown dimension", argument: name) }
                return d
            }
        case let v: throw error("'\(name)' of \(callee) must be a list of ints, got \(v.typeName)", argument: name)
        }
    }

    /// An int or a pair of ints, as slim takes kernel sizes and strides.
    func intPair(_ name: String) throws -> (Int, Int) {
        if case .int(let v) = self[name] { return (v, v) }
        let list = try ints(name)
        guard list.count == 2 else {
            throw error("'\(name)' of \(callee) must be an int or a pair of ints, got \(list.count) values", argument: name)
        }
        return (list[0], list[1])
    }

    private func elementInt(_ v: Value, _ name: String) throws -> Int {
        guard case .int(let i) = v else { throw error("'\(name)' of \(callee) must contain ints, found \(v.typeName)", argument: name) }
        return i
    }
}
