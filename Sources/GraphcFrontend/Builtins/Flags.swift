import GraphcDiagnostics

extension Evaluator {
    /// `flag(name, default)`: the `-D name=value` given on the command line, else the default.
    /// A value that reads as a literal (number, string, bool, list) is that literal; any other
    /// text is a string. It must fit the default's type.
    func flag(_ name: String, default defaultValue: Value, args: Arguments) throws -> Value {
        if !declaredFlags.contains(name) { declaredFlags.append(name) }
        guard let definition = definitions[name] else { return defaultValue }
        usedDefinitions.insert(name)
        let file = SourceFile(path: "-D \(name)", text: definition.text)
        var value: Value = .string(definition.text)
        if let expr = try? Parser.parseExpression(file), let literal = try? literalValue(expr) {
            value = literal
        }
        switch (defaultValue, value) {
        case (.int, .int), (.float, .float), (.bool, .bool), (.string, .string), (.none, _), (.list, .list), (.tuple, .tuple):
            return value
        case (.float, .int(let i)):
            return .float(Double(i))
        case (.string, _):
            return .string(definition.text)
        case (.list, .tuple(let t)):
            return .list(ListBox(t))
        default:
            throw Diagnostic("-D \(name)=\(definition.text): flag '\(name)' takes a \(defaultValue.typeName) (its default is \(repr(defaultValue))), got \(value.typeName)",
                             at: nil, notes: [.init("flag '\(name)' is declared here", at: args.callRange)])
        }
    }

    /// Literals only: numbers, strings, bools, None, and lists or tuples of them.
    private func literalValue(_ e: Expr) throws -> Value {
        switch e.kind {
        case .int(let i): return .int(i)
        case .float(let f): return .float(f)
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .none: return .none
        case .negate(let x):
            switch try literalValue(x) {
            case .int(let i): return .int(-i)
            case .float(let f): return .float(-f)
            default: throw Diagnostic("not a literal", at: e.range)
            }
        case .list(let items): return .list(ListBox(try items.map(literalValue)))
        case .tuple(let items): return .tuple(try items.map(literalValue))
        default: throw Diagnostic("not a literal", at: e.range)
        }
    }

    /// `'{} and {name}'.format(...)`: positional `{}` / `{0}` and named fields, no format specs
    /// beyond what str() gives.
    func braceFormat(_ format: String, _ args: Arguments) throws -> String {
        var out = ""
        var auto = 0
        var chars = Array(format)[...]
        while let c = chars.popFirst() {
            if c == "{" {
                if chars.first == "{" { chars.removeFirst(); out.append("{"); continue }
                var field = ""
                while let n = chars.popFirst(), n != "}" { field.append(n) }
                let key = String(field.split(separator: ":", maxSplits: 1).first ?? "")
                let value: Value
                if key.isEmpty {
                    guard auto < args.extra.count else { throw args.error("format string needs more arguments") }
                    value = args.extra[auto].value
                    auto += 1
                } else if let i = Int(key) {
                    guard i < args.extra.count else { throw args.error("format field {\(i)} has no argument") }
                    value = args.extra[i].value
                } else {
                    guard let v = args.extraKeywords.first(where: { $0.name == key }) else { throw args.error("format field {\(key)} has no argument") }
                    value = v.value.value
                }
                out += try str(value)
            } else if c == "}" {
                if chars.first == "}" { chars.removeFirst() }
                out.append("}")
            } else {
                out.append(c)
            }
        }
        return out
    }
}
