import GraphcDiagnostics
import GraphcIR

extension Evaluator {
    func eval(_ e: Expr, _ env: Environment) throws -> Value {
        switch e.kind {
        case .name(let n): return try lookup(n, e.range, env)
        case .none: return .none
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .float(let f): return .float(f)
        case .string(let s): return .string(s)
        case .list(let items): return .list(ListBox(try items.map { try eval($0, env) }))
        case .tuple(let items): return .tuple(try items.map { try eval($0, env) })
        case .dict(let entries):
            let d = DictBox()
            for entry in entries {
                let key = try eval(entry.key, env)
                switch key {
                case .string, .int, .bool, .none, .tuple: d[key] = try eval(entry.value, env)
                default: throw Diagnostic("dictionary keys must be strings, numbers or tuples, got \(key.typeName)", at: entry.key.range)
                }
            }
            return .dict(d)
        case let .attribute(objectExpr, name):
            return try attribute(try eval(objectExpr, env), name, at: e.range)
        case let .index(objectExpr, indexExpr):
            let object = try eval(objectExpr, env)
            if case .tensor(let t) = object { return try tensorSubscript(t, indexExpr, env, at: e.range) }
            if case let .slice(a, b, c) = indexExpr.kind {
                return try slice(object, try a.map { try eval($0, env) }, try b.map { try eval($0, env) }, try c.map { try eval($0, env) }, at: e.range)
            }
            return try index(object, try eval(indexExpr, env), at: e.range)
        case .slice:
            throw Diagnostic("a slice is only allowed inside brackets", at: e.range)
        case let .call(calleeExpr, arguments):
            return try evalCall(calleeExpr, arguments, range: e.range, env)
        case .negate(let x):
            switch try eval(x, env) {
            case .int(let i):
                guard i != Int.min else { throw Diagnostic("integer overflow", at: e.range) }
                return .int(-i)
            case .float(let f): return .float(-f)
            case .bool(let b): return .int(b ? -1 : 0)
            case .tensor(let t):
                // TF1: -x is the op Neg, named "Neg".
                builder.location = e.range.location
                do { return .tensor(try builder.add(.activation(.negative), [t], name: "Neg")) } catch { throw Diagnostic(error.message, at: e.range) }
            case let v: throw Diagnostic("bad operand type for unary -: '\(v.typeName)'", at: e.range)
            }
        case .plus(let x):
            let v = try eval(x, env)
            switch v {
            case .int, .float: return v
            default: throw Diagnostic("bad operand type for unary +: '\(v.typeName)'", at: e.range)
            }
        case .not(let x):
            return .bool(!(try truth(try eval(x, env), at: x.range)))
        case let .binary(op, l, r):
            return try binary(op, try eval(l, env), try eval(r, env), at: e.range)
        case let .and(l, r):
            let left = try eval(l, env)
            return try truth(left, at: l.range) ? try eval(r, env) : left
        case let .or(l, r):
            let left = try eval(l, env)
            return try truth(left, at: l.range) ? left : try eval(r, env)
        case let .compare(first, rest):
            var left = try eval(first, env)
            for (op, rightExpr) in rest {
                let right = try eval(rightExpr, env)
                if !(try compare(op, left, right, at: e.range)) { return .bool(false) }
                left = right
            }
            return .bool(true)
        case let .conditional(condition, then, otherwise):
            return try truth(try eval(condition, env), at: condition.range) ? try eval(then, env) : try eval(otherwise, env)
        case let .listComprehension(element, target, iterableExpr, condition):
            let iterable = try eval(iterableExpr, env)
            // Comprehension variables live in their own scope, as in Python 3.
            let inner = Environment(parent: env)
            var out: [Value] = []
            try forEach(iterable, at: iterableExpr.range) { item in
                try countIteration(e.range)
                try assign(target, item, inner)
                if let condition, !(try truth(try eval(condition, inner), at: condition.range)) { return true }
                out.append(try eval(element, inner))
                return true
            }
            return .list(ListBox(out))
        case let .lambda(parameters, body):
            let f = Function(name: "<lambda>", parameters: parameters, body: .expression(body), closure: env, range: e.range)
            functionsMade.append(f)
            for p in parameters { if let d = p.defaultValue { f.defaults[p.name] = try eval(d, env) } }
            return .function(f)
        }
    }

    func lookup(_ name: String, _ range: SourceRange, _ env: Environment) throws -> Value {
        if let v = env.lookup(name) { return v }
        if let v = library.globals[name] { return v }
        let candidates = env.allNames.union(library.globals.keys)
        throw Diagnostic("unknown name '\(name)'" + Spelling.didYouMean(name, among: candidates), at: range)
    }

    /// Python truthiness; a tensor has no truth value before it runs.
    func truth(_ v: Value, at range: SourceRange) throws -> Bool {
        switch v {
        case .none: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .float(let f): return f != 0
        case .string(let s): return !s.isEmpty
        case .list(let l): return !l.items.isEmpty
        case .tuple(let t): return !t.isEmpty
        case .dict(let d): return !d.keys.isEmpty
        case let .range(a, b, c): return c > 0 ? a < b : a > b
        case .tensor:
            throw Diagnostic("a tensor has no truth value while the graph is built (its value exists only at run time)", at: range)
        case .shape(let s): return s.rank > 0
        default: return true
        }
    }

    /// Calls `body` with each element; `body` returns false to stop.
    func forEach(_ v: Value, at range: SourceRange, _ body: (Value) throws -> Bool) throws {
        switch v {
        case let .range(start, stop, step):
            var i = start
            while step > 0 ? i < stop : i > stop {
                if !(try body(.int(i))) { return }
                let (next, overflow) = i.addingReportingOverflow(step)
                if overflow { return }
                i = next
            }
        case .dict(let d):
            for k in d.keys { if !(try body(k)) { return } }
        default:
            for item in try sequenceItems(v, at: range, what: "iterate over") { if !(try body(item)) { return } }
        }
    }

    /// The elements of a list-like value (lists, tuples, strings, shapes, records, ranges).
    func sequenceItems(_ v: Value, at range: SourceRange, what: String = "iterate over") throws -> [Value] {
        let items = try sequenceItemsUncounted(v, at: range, what: what)
        try countSteps(items.count / 8, range)
        return items
    }

    private func sequenceItemsUncounted(_ v: Value, at range: SourceRange, what: String) throws -> [Value] {
        switch v {
        case .list(let l): return l.items
        case .tuple(let t): return t
        case .record(_, let values): return values
        case .string(let s): return s.map { .string(String($0)) }
        case .shape(let s): return s.dims.map { $0.map(Value.int) ?? .none }
        case .dict(let d): return d.keys
        case let .range(a, b, c):
            let count = Self.rangeCount(a, b, c)
            guard count <= Self.maxSequenceLength else { throw Diagnostic("range of \(count) elements is too long to make a list of", at: range) }
            return (0..<count).map { .int(a + $0 * c) }
        case .tensor:
            throw Diagnostic("cannot \(what) a tensor while the graph is built", at: range)
        default:
            throw Diagnostic("cannot \(what) a value of type '\(v.typeName)'", at: range)
        }
    }

    /// How many values `range(a, b, c)` yields, exactly and without overflowing.
    static func rangeCount(_ a: Int, _ b: Int, _ c: Int) -> Int {
        guard c > 0 ? a < b : a > b else { return 0 }
        // The span fits in UInt whatever the signs: it is the distance between two Ints.
        let span = c > 0 ? UInt(bitPattern: b &- a) : UInt(bitPattern: a &- b)
        let count = (span - 1) / c.magnitude + 1
        return count > UInt(Int.max) ? Int.max : Int(count)
    }

    func attribute(_ object: Value, _ name: String, at range: SourceRange) throws -> Value {
        switch object {
        case .module(let m):
            if let v = m.members[name] { return v }
            throw Diagnostic("module '\(m.name)' has no attribute '\(name)'" + Spelling.didYouMean(name, among: m.members.keys), at: range)
        case .tensor(let id):
            let node = builder.graph[id]
            switch name {
            case "shape": return .shape(node.shape)
            case "name": return .string(node.tensorName)
            case "dtype": return .dtype("float32")
            case "op": return .string(node.name)
            default: break
            }
        case .shape(let s):
            if name == "ndims" || name == "rank" { return .int(s.rank) }
            if name == "dims" { return .list(ListBox(s.dims.map { $0.map(Value.int) ?? .none })) }
        case let .record(type, values):
            if let i = type.fields.firstIndex(of: name) { return values[i] }
            throw Diagnostic("'\(type.name)' has no field '\(name)'" + Spelling.didYouMean(name, among: type.fields), at: range)
        case let .variableScope(scopeName, original):
            if name == "name" { return .string(scopeName) }
            if name == "original_name_scope" { return .string(original) }
        default:
            break
        }
        if let method = library.method(of: object, named: name) {
            return .boundMethod(receiver: Value.Indirect(object), name: name, builtin: method)
        }
        let known = library.methodNames(of: object)
        throw Diagnostic("'\(object.typeName)' has no attribute '\(name)'" + Spelling.didYouMean(name, among: known), at: range)
    }

    /// `x[1]`, `x[:, 1:3]`, `x[..., ::2]`-free slicing of a tensor: TF's `strided_slice`, an
    /// integer index removing its axis (shrink), axes not named kept whole.
    func tensorSubscript(_ t: NodeID, _ indexExpr: Expr, _ env: Environment, at range: SourceRange) throws -> Value {
        let shape = builder.graph[t].shape
        var items: [Expr] = []
        if case .tuple(let parts) = indexExpr.kind { items = parts } else { items = [indexExpr] }
        guard items.count <= shape.rank else { throw Diagnostic("too many indices for a tensor of rank \(shape.rank)", at: range) }
        var begin: [Int] = [], end: [Int] = [], strides: [Int] = [], shrink: [Int] = []
        func int(_ e: Expr?) throws -> Int? {
            guard let e else { return nil }
            switch try eval(e, env) {
            case .none: return nil
            case .int(let i): return i
            case let v: throw Diagnostic("tensor indices must be integers or None, got \(v.typeName)", at: e.range)
            }
        }
        for axis in 0..<shape.rank {
            guard axis < items.count else { begin.append(0); end.append(Int.max); strides.append(1); continue }
            let size = shape[axis]
            func wrap(_ i: Int) throws -> Int {
                guard i < 0 else { return i }
                guard let size else { throw Diagnostic("a negative index needs axis \(axis)'s size, which is unknown", at: items[axis].range) }
                return max(i + size, 0)
            }
            if case let .slice(a, b, c) = items[axis].kind {
                let step = try int(c) ?? 1
                guard step >= 1 else { throw Diagnostic("tensor slices take positive steps", at: items[axis].range) }
                begin.append(try int(a).map(wrap) ?? 0)
                end.append(try int(b).map(wrap) ?? Int.max)
                strides.append(step)
            } else {
                guard let i = try int(items[axis]) else { throw Diagnostic("None (a new axis) is not supported; use expand_dims", at: items[axis].range) }
                if let size, i < -size || i >= size {
                    throw Diagnostic("index \(i) is out of range for axis \(axis) of size \(size)", at: items[axis].range)
                }
                let j = try wrap(i)
                begin.append(j); end.append(j == Int.max ? j : j + 1); strides.append(1); shrink.append(axis)
            }
        }
        builder.location = range.location
        do {
            return .tensor(try builder.add(.slice(SliceAttributes(begin: begin, end: end, strides: strides, shrinkAxes: shrink)), [t], name: "strided_slice"))
        } catch {
            throw Diagnostic(error.message, at: range)
        }
    }

    func index(_ object: Value, _ key: Value, at range: SourceRange) throws -> Value {
        switch object {
        case .dict(let d):
            if let v = d[key] { return v }
            throw Diagnostic("key \(repr(key)) is not in the dictionary", at: range)
        default:
            let items = try sequenceItems(object, at: range, what: "index")
            guard case .int(let i) = key else { throw Diagnostic("indices must be integers, got \(key.typeName)", at: range) }
            let j = i < 0 ? i + items.count : i
            guard j >= 0, j < items.count else {
                throw Diagnostic("index \(i) is out of range for a \(object.typeName) of length \(items.count)", at: range)
            }
            return items[j]
        }
    }

    func slice(_ object: Value, _ a: Value?, _ b: Value?, _ c: Value?, at range: SourceRange) throws -> Value {
        func int(_ v: Value?) throws -> Int? {
            switch v {
            case nil, .none?: return nil
            case .int(let i)?: return i
            default: throw Diagnostic("slice indices must be integers or None", at: range)
            }
        }
        let items = try sequenceItems(object, at: range, what: "slice")
        let n = items.count
        let step = try int(c) ?? 1
        guard step != 0 else { throw Diagnostic("slice step cannot be zero", at: range) }
        func clamp(_ v: Int?, _ defaultValue: Int) -> Int {
            guard var v else { return defaultValue }
            if v < 0 { v += n }
            return step > 0 ? min(max(v, 0), n) : min(max(v, -1), n - 1)
        }
        let start = clamp(try int(a), step > 0 ? 0 : n - 1)
        let stop = clamp(try int(b), step > 0 ? n : -1)
        var out: [Value] = []
        var i = start
        while step > 0 ? i < stop : i > stop {
            out.append(items[i])
            let (next, overflow) = i.addingReportingOverflow(step)
            if overflow { break }
            i = next
        }
        switch object {
        case .string: return .string(out.map { if case .string(let s) = $0 { return s } else { return "" } }.joined())
        case .tuple, .record: return .tuple(out)
        case .shape: return .shape(TensorShape(out.map { if case .int(let d) = $0 { return d } else { return nil } }))
        default: return .list(ListBox(out))
        }
    }
}
