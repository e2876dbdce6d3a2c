import Foundation
import GraphcDiagnostics
import GraphcIR

/// How a block finished.
enum Flow {
    case normal
    case returned(Value, SourceRange)
    case broke(SourceRange)
    case continued(SourceRange)
}

extension Evaluator {
    func exec(_ statements: [Stmt], _ env: Environment) throws -> Flow {
        for s in statements {
            let flow = try exec(s, env)
            if case .normal = flow { continue }
            return flow
        }
        return .normal
    }

    func exec(_ s: Stmt, _ env: Environment) throws -> Flow {
        try countStep(s.range)
        switch s.kind {
        case .expression(let e):
            _ = try eval(e, env)
        case let .assign(targets, valueExpr):
            let value = try eval(valueExpr, env)
            for t in targets { try assign(t, value, env) }
        case let .augmentedAssign(target, op, valueExpr):
            let current: Value
            switch target {
            case .name(let n, let r): current = try lookup(n, r, env)
            case let .index(objectExpr, indexExpr, r):
                current = try index(try eval(objectExpr, env), try eval(indexExpr, env), at: r)
            case .tuple(_, let r): throw Diagnostic("cannot use an augmented assignment on a tuple", at: r)
            }
            let result = try binary(op, current, try eval(valueExpr, env), at: s.range, inPlace: true)
            try assign(target, result, env)
        case .function(let decl):
            var fn = Value.function(try makeFunction(decl, env))
            for decorator in decl.decorators.reversed() {
                let d = try eval(decorator, env)
                if case .builtin(let b) = d, b === library.addArgScope, case .function(let f) = fn {
                    f.takesArgScope = true
                } else {
                    fn = try call(d, positional: [ArgumentValue(value: fn, range: decorator.range)], keywords: [], at: decorator.range)
                }
            }
            env.variables[decl.name] = fn
        case .return(let e):
            return .returned(try e.map { try eval($0, env) } ?? .none, s.range)
        case let .if(branches, otherwise):
            for branch in branches where try truth(try eval(branch.condition, env), at: branch.condition.range) {
                return try exec(branch.body, env)
            }
            if let otherwise { return try exec(otherwise, env) }
        case let .for(target, iterableExpr, body):
            let iterable = try eval(iterableExpr, env)
            var flow = Flow.normal
            try forEach(iterable, at: iterableExpr.range) { item in
                try countIteration(s.range)
                try assign(target, item, env)
                switch try exec(body, env) {
                case .normal, .continued: return true
                case .broke: return false
                case let f: flow = f; return false
                }
            }
            if case .returned = flow { return flow }
        case let .while(conditionExpr, body):
            while try truth(try eval(conditionExpr, env), at: conditionExpr.range) {
                try countIteration(s.range)
                switch try exec(body, env) {
                case .normal, .continued: continue
                case .broke: return .normal
                case let f: return f
                }
            }
        case let .with(items, body):
            return try execWith(items[...], body, env)
        case .pass:
            break
        case .break:
            return .broke(s.range)
        case .continue:
            return .continued(s.range)
        case let .import(module, alias):
            let m = try importModule(module, at: s.range)
            if let alias {
                env.variables[alias] = .module(m)
            } else {
                env.variables[String(module.split(separator: ".").first!)] = .module(try importModule(String(module.split(separator: ".").first!), at: s.range))
            }
        case let .fromImport(module, names):
            let m = try importModule(module, at: s.range)
            if let names {
                for n in names {
                    guard let v = m.members[n.name] else {
                        throw Diagnostic("module '\(module)' has no name '\(n.name)'" + Spelling.didYouMean(n.name, among: m.members.keys), at: n.range)
                    }
                    env.variables[n.alias ?? n.name] = v
                }
            } else {
                for (k, v) in m.members where !k.hasPrefix("_") { env.variables[k] = v }
            }
        case let .assert(condition, message):
            if try !truth(try eval(condition, env), at: condition.range) {
                let text = try message.map { try str(try eval($0, env)) }
                throw Diagnostic("assertion failed" + (text.map { ": \($0)" } ?? ""), at: condition.range)
            }
        case let .raise(value):
            // Exceptions are not values here: `raise ValueError(msg)` reports "ValueError: msg".
            guard let value else { throw Diagnostic("raise", at: s.range) }
            if case let .call(callee, arguments) = value.kind, case let .name(kind) = callee.kind {
                let parts = try arguments.map { try str(try eval($0.value, env)) }
                throw Diagnostic(kind + (parts.isEmpty ? "" : ": " + parts.joined(separator: ", ")), at: s.range)
            }
            throw Diagnostic(try str(try eval(value, env)), at: s.range)
        }
        return .normal
    }

    /// Enters each `with` item in turn, runs the body, and leaves them in reverse order.
    private func execWith(_ items: ArraySlice<WithItem>, _ body: [Stmt], _ env: Environment) throws -> Flow {
        guard let item = items.first else { return try exec(body, env) }
        let value = try eval(item.context, env)
        guard case .context(let manager) = value else {
            throw Diagnostic("'with' needs variable_scope, name_scope or arg_scope, got \(value.typeName)", at: item.context.range)
        }
        switch manager {
        case let .variableScope(name, defaultName):
            let full = builder.pushVariableScope(name, defaultName: defaultName)
            defer { builder.popScope() }
            if let target = item.target {
                try assign(target, .variableScope(name: full, originalNameScope: builder.nameScope + "/"), env)
            }
            return try execWith(items.dropFirst(), body, env)
        case .reenteredVariableScope(let full):
            builder.reenterVariableScope(full)
            defer { builder.popScope() }
            if let target = item.target {
                try assign(target, .variableScope(name: full, originalNameScope: builder.nameScope + "/"), env)
            }
            return try execWith(items.dropFirst(), body, env)
        case .nameScope(let name):
            builder.pushNameScope(name ?? "")
            defer { builder.popScope() }
            if let target = item.target { try assign(target, .string(builder.nameScope + "/"), env) }
            return try execWith(items.dropFirst(), body, env)
        case .argScope(let scope):
            let saved = argScope
            argScope = scope
            defer { argScope = saved }
            if let target = item.target { try assign(target, .argScope(scope), env) }
            return try execWith(items.dropFirst(), body, env)
        }
    }

    func assign(_ target: Target, _ value: Value, _ env: Environment) throws {
        switch target {
        case .name(let n, _):
            env.variables[n] = value
        case let .tuple(targets, r):
            let items = try sequenceItems(value, at: r, what: "unpack")
            guard items.count == targets.count else {
                throw Diagnostic("cannot unpack \(items.count) values into \(targets.count) names", at: r)
            }
            for (t, v) in zip(targets, items) { try assign(t, v, env) }
        case let .index(objectExpr, indexExpr, r):
            let object = try eval(objectExpr, env)
            let key = try eval(indexExpr, env)
            switch object {
            case .list(let l):
                guard case .int(let i) = key else { throw Diagnostic("list indices must be integers, got \(key.typeName)", at: indexExpr.range) }
                let j = i < 0 ? i + l.items.count : i
                guard j >= 0, j < l.items.count else { throw Diagnostic("list index \(i) is out of range for a list of \(l.items.count)", at: r) }
                l.items[j] = value
            case .dict(let d):
                d[key] = value
            default:
                throw Diagnostic("'\(object.typeName)' does not support item assignment", at: r)
            }
        }
    }

    func makeFunction(_ decl: FunctionDecl, _ env: Environment) throws -> Function {
        let f = Function(name: decl.name, parameters: decl.parameters, body: .statements(decl.body), closure: env, range: decl.range)
        functionsMade.append(f)
        for p in decl.parameters { if let d = p.defaultValue { f.defaults[p.name] = try eval(d, env) } }
        return f
    }

    /// Resolves `import name`: a builtin module (`tensorflow`, `tf_slim`, ...) or `name.graph`
    /// beside the importing file or in a search path, evaluated once.
    func importModule(_ name: String, at range: SourceRange) throws -> Module {
        if let builtin = library.module(named: name) { return builtin }
        let relative = name.replacingOccurrences(of: ".", with: "/") + ".graph"
        // Paths stay as the user wrote them (relative stays relative) so diagnostics read well.
        let importer = range.file.path
        let here = importer.contains("/") ? String(importer[..<importer.lastIndex(of: "/")!]) : "."
        let folders = [here] + options.searchPaths
        let candidates = folders.map { $0 == "." ? relative : $0 + "/" + relative }
        guard let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw Diagnostic("no module named '\(name)' (looked for \(relative) in \(folders.joined(separator: ", ")))", at: range)
        }
        let key = URL(fileURLWithPath: path).standardized.path
        if let m = modules[key] { return m }
        if importStack.contains(key) {
            throw Diagnostic("import cycle: \(name) is already being imported", at: range)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Diagnostic("cannot read '\(path)'", at: range)
        }
        var text: String
        do { text = try SourceDecoding.text(of: data, path: path) } catch var d {
            d.notes.append(.init("imported here", at: range))
            throw d
        }
        importStack.append(key)
        defer { importStack.removeLast() }
        do {
            let m = try evaluateModule(file: SourceFile(path: path, text: text), name: name)
            modules[key] = m
            return m
        } catch var d as Diagnostic {
            d.notes.append(.init("imported here", at: range))
            throw d
        }
    }
}
