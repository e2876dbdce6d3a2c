import GraphcDiagnostics
import GraphcIR

extension Evaluator {
    func evalCall(_ calleeExpr: Expr, _ arguments: [Argument], range: SourceRange, _ env: Environment) throws -> Value {
        let callee = try eval(calleeExpr, env)
        var positional: [ArgumentValue] = []
        var keywords: [(name: String, value: ArgumentValue)] = []
        for a in arguments {
            let v = try eval(a.value, env)
            switch a.kind {
            case .positional:
                positional.append(ArgumentValue(value: v, range: a.range))
            case .keyword(let name):
                keywords.append((name, ArgumentValue(value: v, range: a.range)))
            case .star:
                for item in try sequenceItems(v, at: a.range, what: "unpack with *") {
                    positional.append(ArgumentValue(value: item, range: a.range))
                }
            case .doubleStar:
                guard case .dict(let d) = v else { throw Diagnostic("argument after ** must be a dict, not \(v.typeName)", at: a.range) }
                for (k, value) in zip(d.keys, d.values) {
                    guard case .string(let name) = k else { throw Diagnostic("keywords after ** must be strings", at: a.range) }
                    if keywords.contains(where: { $0.name == name }) {
                        throw Diagnostic("got multiple values for keyword argument '\(name)'", at: a.range)
                    }
                    keywords.append((name, ArgumentValue(value: value, range: a.range)))
                }
            }
        }
        return try call(callee, positional: positional, keywords: keywords, at: range)
    }

    /// Calls any callable value. `range` is the call site: nodes made by the call record it.
    func call(_ callee: Value, positional: [ArgumentValue], keywords: [(name: String, value: ArgumentValue)], at range: SourceRange) throws -> Value {
        try countStep(range)
        switch callee {
        case .builtin(let b):
            var args = try bind(b, positional: positional, keywords: keywords, at: range)
            let saved = builder.location
            builder.location = range.location
            defer { builder.location = saved }
            do {
                return try b.body(self, &args)
            } catch let e as ShapeError {
                throw Diagnostic(e.message, at: range)
            }
        case let .boundMethod(receiver, _, b):
            return try call(.builtin(b), positional: [ArgumentValue(value: receiver.value, range: range)] + positional, keywords: keywords, at: range)
        case .function(let f):
            return try callFunction(f, positional: positional, keywords: keywords, at: range)
        case .recordType(let t):
            let args = try bind(Builtin(t.name, Signature(t.fields.map { ($0, nil) })) { _, _ in .none },
                                positional: positional, keywords: keywords, at: range)
            return .record(t, t.fields.map { args[$0] })
        default:
            throw Diagnostic("'\(callee.typeName)' object is not callable", at: range)
        }
    }

    /// Adds the arg_scope defaults for `key` to the keywords not already given at the call.
    private func withArgScope(_ key: ObjectIdentifier, parameterNames: [String], positionalCount: Int,
                              keywords: [(name: String, value: ArgumentValue)]) -> [(name: String, value: ArgumentValue)] {
        let defaults = argScope.defaults(for: key)
        guard !defaults.isEmpty else { return keywords }
        var result = keywords
        let positionalNames = Set(parameterNames.prefix(positionalCount))
        for entry in defaults where !keywords.contains(where: { $0.name == entry.name }) && !positionalNames.contains(entry.name) {
            result.append((entry.name, ArgumentValue(value: entry.value, range: entry.range, argScopeRange: entry.range)))
        }
        return result
    }

    func bind(_ b: Builtin, positional: [ArgumentValue], keywords: [(name: String, value: ArgumentValue)], at range: SourceRange) throws -> Arguments {
        let names = b.signature.names
        let keywords = b.takesArgScope
            ? withArgScope(ObjectIdentifier(b), parameterNames: names, positionalCount: min(positional.count, b.signature.positionalCount), keywords: keywords)
            : keywords
        var args = Arguments(callee: b.name, callRange: range)
        for (i, p) in positional.enumerated() {
            if i < b.signature.positionalCount {
                args.values[names[i]] = p
            } else if b.signature.variadic {
                args.extra.append(p)
            } else {
                let n = b.signature.positionalCount
                throw Diagnostic("\(b.name) takes at most \(n) positional argument\(n == 1 ? "" : "s") but \(positional.count) were given", at: p.range)
            }
        }
        for (name, value) in keywords {
            if names.contains(name) {
                if args.values[name] != nil, value.argScopeRange == nil {
                    throw Diagnostic("\(b.name) got multiple values for argument '\(name)'", at: value.range)
                }
                args.values[name] = value
            } else if b.signature.variadicKeywords {
                args.extraKeywords.append((name, value))
            } else {
                var d = Diagnostic("\(b.name) has no parameter '\(name)'" + Spelling.didYouMean(name, among: names), at: value.argScopeRange == nil ? value.range : range)
                if let scope = value.argScopeRange { d.notes.append(.init("'\(name)' was set by this arg_scope", at: scope)) }
                throw d
            }
        }
        for (name, defaultValue) in b.signature.parameters where args.values[name] == nil {
            guard let defaultValue else {
                throw Diagnostic("\(b.name) is missing its argument '\(name)'", at: range)
            }
            args.values[name] = ArgumentValue(value: defaultValue, range: range, isDefault: true)
        }
        return args
    }

    func callFunction(_ f: Function, positional: [ArgumentValue], keywords: [(name: String, value: ArgumentValue)], at range: SourceRange) throws -> Value {
        guard callDepth < Self.maxCallDepth else {
            throw Diagnostic("recursion too deep: more than \(Self.maxCallDepth) nested calls (in '\(f.name)')", at: range)
        }
        let normal = f.parameters.filter { $0.kind == .normal }
        // Parameters after `*args` are keyword-only.
        let positionalSlots = f.parameters.prefix { $0.kind == .normal }.count
        let keywords = f.takesArgScope
            ? withArgScope(ObjectIdentifier(f), parameterNames: normal.map(\.name), positionalCount: min(positional.count, positionalSlots), keywords: keywords)
            : keywords
        let env = Environment(parent: f.closure!)
        var bound = Set<String>()
        let star = f.parameters.first { $0.kind == .star }
        let doubleStar = f.parameters.first { $0.kind == .doubleStar }
        var extra: [Value] = []
        for (i, p) in positional.enumerated() {
            if i < positionalSlots {
                env.variables[normal[i].name] = p.value
                bound.insert(normal[i].name)
            } else if star != nil {
                extra.append(p.value)
            } else {
                throw Diagnostic("\(f.name)() takes \(positionalSlots) positional argument\(positionalSlots == 1 ? "" : "s") but \(positional.count) were given", at: p.range)
            }
        }
        if let star { env.variables[star.name] = .tuple(extra) }
        let extraKeywords = DictBox()
        for (name, value) in keywords {
            if normal.contains(where: { $0.name == name }) {
                if bound.contains(name) {
                    throw Diagnostic("\(f.name)() got multiple values for argument '\(name)'", at: value.range)
                }
                env.variables[name] = value.value
                bound.insert(name)
            } else if doubleStar != nil {
                extraKeywords[.string(name)] = value.value
            } else {
                var d = Diagnostic("\(f.name)() got an unexpected keyword argument '\(name)'" + Spelling.didYouMean(name, among: normal.map(\.name)),
                                   at: value.argScopeRange == nil ? value.range : range)
                if let scope = value.argScopeRange { d.notes.append(.init("'\(name)' was set by this arg_scope", at: scope)) }
                d.notes.append(.init("'\(f.name)' is defined here", at: f.range))
                throw d
            }
        }
        if let doubleStar { env.variables[doubleStar.name] = .dict(extraKeywords) }
        for p in normal where !bound.contains(p.name) {
            guard let d = f.defaults[p.name] else {
                var diag = Diagnostic("\(f.name)() is missing its argument '\(p.name)'", at: range)
                diag.notes.append(.init("'\(f.name)' is defined here", at: f.range))
                throw diag
            }
            env.variables[p.name] = d
        }

        callDepth += 1
        defer { callDepth -= 1 }
        do {
            switch f.body {
            case .expression(let e):
                return try eval(e, env)
            case .statements(let body):
                switch try exec(body, env) {
                case .normal: return .none
                case .returned(let v, _): return v
                case .broke(let r), .continued(let r): throw Diagnostic("'break' or 'continue' outside a loop", at: r)
                }
            }
        } catch var d as Diagnostic {
            // The call chain through `def`s, innermost first; a recursive call repeated at the
            // same place is one note with a count, and long chains are cut short.
            let note = "in call to '\(f.name)' from here"
            if let last = d.notes.last, last.message.hasPrefix(note), last.range?.start == range.start, last.range?.file === range.file {
                let count = (Int(last.message.dropFirst(note.count + 2).prefix { $0.isNumber }) ?? 1) + 1
                d.notes[d.notes.count - 1] = .init("\(note) (\(count) times)", at: range)
            } else {
                let callNotes = d.notes.filter { $0.message.hasPrefix("in call to") }.count
                if callNotes < 8 {
                    d.notes.append(.init(note, at: range))
                } else if callNotes == 8 {
                    d.notes.append(.init("in call to ... (further calls not shown)", at: nil))
                }
            }
            throw d
        }
    }
}
