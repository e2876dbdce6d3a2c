import GraphcDiagnostics

/// slim's `arg_scope`: per op, default keyword arguments that calls inside the scope receive.
/// Nested scopes merge (inner values win) and an explicit argument at a call wins over both.
/// A value type held by the evaluator, never a global.
struct ArgScope {
    struct Entry {
        let name: String
        let value: Value
        /// The `name=value` in the `arg_scope(...)` call, for notes.
        let range: SourceRange
    }

    /// Keyed by the identity of the builtin or function the defaults are for.
    private(set) var entries: [ObjectIdentifier: [Entry]] = [:]

    func defaults(for key: ObjectIdentifier) -> [Entry] { entries[key] ?? [] }

    /// The scope with `arguments` merged into the defaults of `key`.
    func adding(_ arguments: [Entry], for key: ObjectIdentifier) -> ArgScope {
        var copy = self
        var current = entries[key] ?? []
        for a in arguments {
            if let i = current.firstIndex(where: { $0.name == a.name }) { current[i] = a } else { current.append(a) }
        }
        copy.entries[key] = current
        return copy
    }
}
