import Foundation
import GraphcDiagnostics
import GraphcIR

/// Python's builtins that graph files use: print, len, range, enumerate, zip, min, max, ...
extension Library {
    func registerCore() {
        unowned let ev = evaluator
        register(Builtin("print", Signature([("sep", .string(" ")), ("end", .string("\n"))], variadic: true, positionalCount: 0)) { ev, args in
            let sep = try args.string("sep"), end = try args.string("end")
            var text = try args.extra.map { try ev.str($0.value) }.joined(separator: sep) + end
            if text.hasSuffix("\n") { text.removeLast() }
            ev.print(text)
            return .none
        })
        register(Builtin("len", Signature([("obj", nil)])) { ev, args in
            if case .dict(let d) = args["obj"] { return .int(d.keys.count) }
            if case let .range(a, b, c) = args["obj"] { return .int(Evaluator.rangeCount(a, b, c)) }
            if case .tensor = args["obj"] { throw args.error("len() of a tensor is not known while the graph is built; use t.shape[0]", argument: "obj") }
            return .int(try ev.sequenceItems(args["obj"], at: args.range(of: "obj"), what: "take len() of").count)
        })
        register(Builtin("range", Signature([("start", nil), ("stop", Value.none), ("step", .int(1))])) { _, args in
            let step = try args.int("step")
            guard step != 0 else { throw args.error("range() step must not be zero", argument: "step") }
            if case .none = args["stop"] { return .range(0, try args.int("start"), 1) }
            return .range(try args.int("start"), try args.int("stop"), step)
        })
        register(Builtin("enumerate", Signature([("iterable", nil), ("start", .int(0))])) { ev, args in
            let start = try args.int("start")
            let items = try ev.sequenceItems(args["iterable"], at: args.range(of: "iterable"))
            guard start.addingReportingOverflow(items.count).overflow == false else { throw args.error("integer overflow", argument: "start") }
            return .list(ListBox(items.enumerated().map { .tuple([.int(start + $0.offset), $0.element]) }))
        })
        register(Builtin("zip", Signature([], variadic: true)) { ev, args in
            let lists = try args.extra.map { try ev.sequenceItems($0.value, at: $0.range) }
            let n = lists.map(\.count).min() ?? 0
            return .list(ListBox((0..<n).map { i in .tuple(lists.map { $0[i] }) }))
        })
        for (name, wantMax) in [("min", false), ("max", true)] {
            register(Builtin(name, Signature([], variadic: true)) { ev, args in
                var items = args.extra.map(\.value)
                if items.count == 1 { items = try ev.sequenceItems(items[0], at: args.extra[0].range) }
                guard var best = items.first else { throw args.error("\(name)() needs at least one value") }
                for v in items.dropFirst() where try ev.compare(wantMax ? .gt : .lt, v, best, at: args.callRange) { best = v }
                return best
            })
        }
        register(Builtin("sum", Signature([("iterable", nil), ("start", .int(0))])) { ev, args in
            var total = args["start"]
            for v in try ev.sequenceItems(args["iterable"], at: args.range(of: "iterable")) {
                total = try ev.binary(.add, total, v, at: args.callRange)
            }
            return total
        })
        register(Builtin("round", Signature([("number", nil), ("ndigits", Value.none)])) { _, args in
            // Python 3: halves go to the even neighbour; without ndigits the result is an int.
            let value: Double
            switch args["number"] {
            case .int(let i): if args["ndigits"].isNone { return .int(i) } else { value = Double(i) }
            case .float(let f): value = f
            case .bool(let b): value = b ? 1 : 0
            default: throw args.error("round() needs a number", argument: "number")
            }
            guard value.isFinite else { throw args.error("cannot round \(value)", argument: "number") }
            if args["ndigits"].isNone {
                let r = value.rounded(.toNearestOrEven)
                guard abs(r) < 9.2e18 else { throw args.error("integer overflow", argument: "number") }
                return .int(Int(r))
            }
            // Decimal rounding of the exact binary value, as Python does (round(2.675, 2) is 2.67).
            let digits = try args.int("ndigits")
            guard digits >= 0, digits <= 30 else { throw args.error("ndigits must be from 0 to 30", argument: "ndigits") }
            return .float(Double(String(format: "%.\(digits)f", value)) ?? value)
        })
        register(Builtin("abs", Signature([("x", nil)])) { _, args in
            switch args["x"] {
            case .int(let i):
                guard i != Int.min else { throw args.error("integer overflow", argument: "x") }
                return .int(abs(i))
            case .float(let f): return .float(abs(f))
            default: throw args.error("abs() needs a number", argument: "x")
            }
        })
        register(Builtin("int", Signature([("x", .int(0))])) { _, args in
            switch args["x"] {
            case .int(let i): return .int(i)
            case .bool(let b): return .int(b ? 1 : 0)
            case .float(let f):
                guard f.isFinite, abs(f) < 9.2e18 else { throw args.error("cannot convert \(f) to an int", argument: "x") }
                return .int(Int(f))
            case .string(let s):
                guard let i = Int(s.trimmingSpaces()) else { throw args.error("invalid literal for int(): '\(s)'", argument: "x") }
                return .int(i)
            case let v: throw args.error("int() cannot convert \(v.typeName)", argument: "x")
            }
        })
        register(Builtin("float", Signature([("x", .float(0))])) { ev, args in
            if case .string(let s) = args["x"], let f = Double(s.trimmingSpaces()) { return .float(f) }
            guard let f = ev.number(args["x"]) else { throw args.error("float() cannot convert \(args["x"].typeName)", argument: "x") }
            return .float(f)
        })
        register(Builtin("str", Signature([("x", .string(""))])) { ev, args in .string(try ev.str(args["x"])) })
        register(Builtin("repr", Signature([("x", nil)])) { ev, args in .string(ev.repr(args["x"])) })
        register(Builtin("bool", Signature([("x", .bool(false))])) { ev, args in .bool(try ev.truth(args["x"], at: args.range(of: "x"))) })
        register(Builtin("list", Signature([("iterable", .tuple([]))])) { ev, args in
            .list(ListBox(try ev.sequenceItems(args["iterable"], at: args.range(of: "iterable"))))
        })
        register(Builtin("tuple", Signature([("iterable", .tuple([]))])) { ev, args in
            .tuple(try ev.sequenceItems(args["iterable"], at: args.range(of: "iterable")))
        })
        register(Builtin("dict", Signature([], variadicKeywords: true)) { _, args in
            let d = DictBox()
            for (k, v) in args.extraKeywords { d[.string(k)] = v.value }
            return .dict(d)
        })
        register(Builtin("reversed", Signature([("seq", nil)])) { ev, args in
            .list(ListBox(try ev.sequenceItems(args["seq"], at: args.range(of: "seq")).reversed()))
        })
        register(Builtin("sorted", Signature([("iterable", nil), ("reverse", .bool(false))])) { ev, args in
            var items = try ev.sequenceItems(args["iterable"], at: args.range(of: "iterable"))
            var failure: Error?
            items.sort { a, b in
                do { return try ev.compare(.lt, a, b, at: args.callRange) } catch { failure = error; return false }
            }
            if let failure { throw failure }
            if try args.bool("reverse") { items.reverse() }
            return .list(ListBox(items))
        })
        register(Builtin("isinstance", Signature([("obj", nil), ("classinfo", nil)])) { _, args in
            guard case .builtin(let t) = args["classinfo"] else {
                if case .recordType(let t) = args["classinfo"], case .record(let u, _) = args["obj"] { return .bool(t === u) }
                return .bool(false)
            }
            let names: [String: String] = ["int": "int", "float": "float", "str": "str", "list": "list", "tuple": "tuple", "dict": "dict", "bool": "bool"]
            return .bool(names[t.name] == args["obj"].typeName)
        })
        register(Builtin("namedtuple", Signature([("typename", nil), ("field_names", nil)])) { ev, args in
            let name = try args.string("typename")
            var fields: [String]
            if case .string(let s) = args["field_names"] {
                fields = s.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
            } else {
                fields = try ev.sequenceItems(args["field_names"], at: args.range(of: "field_names")).map {
                    guard case .string(let f) = $0 else { throw args.error("namedtuple field names must be strings", argument: "field_names") }
                    return f
                }
            }
            guard Set(fields).count == fields.count else { throw args.error("namedtuple field names must be unique", argument: "field_names") }
            return .recordType(RecordType(name: name, fields: fields))
        })
        register(Builtin("flag", Signature([("name", nil), ("default", nil), ("help", Value.none)])) { ev, args in
            try ev.flag(try args.string("name"), default: args["default"], args: args)
        })
        register(Builtin("output", Signature([("tensor", nil)])) { ev, args in
            ev.builder.markOutput(try args.tensor("tensor"))
            return args["tensor"]
        })
        _ = ev
    }

    func registerMethods() {
        registerMethod("list", Builtin("append", Signature([("self", nil), ("x", nil)])) { ev, args in
            if case .list(let l) = args["self"] {
                try ev.checkLength(l.items.count, 1, at: args.callRange)
                l.items.append(args["x"])
            }
            return .none
        })
        registerMethod("list", Builtin("extend", Signature([("self", nil), ("iterable", nil)])) { ev, args in
            if case .list(let l) = args["self"] {
                let more = try ev.sequenceItems(args["iterable"], at: args.range(of: "iterable"))
                try ev.checkLength(l.items.count, more.count, at: args.callRange)
                l.items += more
            }
            return .none
        })
        registerMethod("list", Builtin("pop", Signature([("self", nil), ("index", .int(-1))])) { _, args in
            guard case .list(let l) = args["self"], !l.items.isEmpty else { throw args.error("pop from an empty list") }
            var i = try args.int("index")
            if i < 0 { i += l.items.count }
            guard i >= 0, i < l.items.count else { throw args.error("pop index out of range", argument: "index") }
            return l.items.remove(at: i)
        })
        registerMethod("list", Builtin("index", Signature([("self", nil), ("x", nil)])) { ev, args in
            guard case .list(let l) = args["self"], let i = l.items.firstIndex(where: { $0.structurallyEquals(args["x"]) }) else {
                throw args.error("\(ev.repr(args["x"])) is not in the list", argument: "x")
            }
            return .int(i)
        })
        registerMethod("list", Builtin("insert", Signature([("self", nil), ("index", nil), ("x", nil)])) { _, args in
            guard case .list(let l) = args["self"] else { return .none }
            let i = try args.int("index")
            l.items.insert(args["x"], at: min(max(i < 0 ? i + l.items.count : i, 0), l.items.count))
            return .none
        })
        registerMethod("dict", Builtin("get", Signature([("self", nil), ("key", nil), ("default", Value.none)])) { _, args in
            guard case .dict(let d) = args["self"] else { return .none }
            return d[args["key"]] ?? args["default"]
        })
        registerMethod("dict", Builtin("items", Signature([("self", nil)])) { _, args in
            guard case .dict(let d) = args["self"] else { return .none }
            return .list(ListBox(zip(d.keys, d.values).map { .tuple([$0, $1]) }))
        })
        registerMethod("dict", Builtin("keys", Signature([("self", nil)])) { _, args in
            guard case .dict(let d) = args["self"] else { return .none }
            return .list(ListBox(d.keys))
        })
        registerMethod("dict", Builtin("values", Signature([("self", nil)])) { _, args in
            guard case .dict(let d) = args["self"] else { return .none }
            return .list(ListBox(d.values))
        })
        registerMethod("dict", Builtin("copy", Signature([("self", nil)])) { _, args in
            guard case .dict(let d) = args["self"] else { return .none }
            let c = DictBox()
            for (k, v) in zip(d.keys, d.values) { c[k] = v }
            return .dict(c)
        })
        registerMethod("dict", Builtin("update", Signature([("self", nil), ("other", Value.none)], variadicKeywords: true)) { _, args in
            guard case .dict(let d) = args["self"] else { return .none }
            if case .dict(let o) = args["other"] { for (k, v) in zip(o.keys, o.values) { d[k] = v } }
            for (k, v) in args.extraKeywords { d[.string(k)] = v.value }
            return .none
        })
        registerMethod("str", Builtin("format", Signature([("self", nil)], variadic: true, variadicKeywords: true, positionalCount: 1)) { ev, args in
            guard case .string(let s) = args["self"] else { return .none }
            let text = try ev.braceFormat(s, args)
            try ev.checkLength(text.count, 0, at: args.callRange)
            return .string(text)
        })
        registerMethod("str", Builtin("join", Signature([("self", nil), ("iterable", nil)])) { ev, args in
            guard case .string(let sep) = args["self"] else { return .none }
            let parts = try ev.sequenceItems(args["iterable"], at: args.range(of: "iterable")).map { v -> String in
                guard case .string(let s) = v else { throw args.error("join() needs strings, found \(v.typeName)", argument: "iterable") }
                return s
            }
            try ev.checkLength(parts.reduce(0) { $0 + $1.count }, max(0, parts.count - 1) * sep.count, at: args.callRange)
            return .string(parts.joined(separator: sep))
        })
        for (name, transform) in [("upper", { (s: String) in s.uppercased() }), ("lower", { (s: String) in s.lowercased() }),
                                  ("strip", { (s: String) in s.trimmingSpaces() })] {
            registerMethod("str", Builtin(name, Signature([("self", nil)])) { _, args in
                guard case .string(let s) = args["self"] else { return .none }
                return .string(transform(s))
            })
        }
        for (name, test) in [("startswith", { (s: String, p: String) in s.hasPrefix(p) }), ("endswith", { (s: String, p: String) in s.hasSuffix(p) })] {
            registerMethod("str", Builtin(name, Signature([("self", nil), ("prefix", nil)])) { _, args in
                guard case .string(let s) = args["self"] else { return .none }
                return .bool(test(s, try args.string("prefix")))
            })
        }
        registerMethod("str", Builtin("split", Signature([("self", nil), ("sep", Value.none)])) { _, args in
            guard case .string(let s) = args["self"] else { return .none }
            if let sep = try args.optionalString("sep"), !sep.isEmpty {
                return .list(ListBox(s.components(separatedBy: sep).map(Value.string)))
            }
            return .list(ListBox(s.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map { .string(String($0)) }))
        })
        registerMethod("str", Builtin("replace", Signature([("self", nil), ("old", nil), ("new", nil)])) { ev, args in
            guard case .string(let s) = args["self"] else { return .none }
            let old = try args.string("old")
            guard !old.isEmpty else { return args["self"] }
            let parts = s.components(separatedBy: old), new = try args.string("new")
            try ev.checkLength(s.count, (parts.count - 1) * new.count, at: args.callRange)
            return .string(parts.joined(separator: new))
        })
        registerMethod("Tensor", Builtin("get_shape", Signature([("self", nil)])) { ev, args in
            guard case .tensor(let t) = args["self"] else { return .none }
            return .shape(ev.builder.graph[t].shape)
        })
        registerMethod("TensorShape", Builtin("as_list", Signature([("self", nil)])) { _, args in
            guard case .shape(let s) = args["self"] else { return .none }
            return .list(ListBox(s.dims.map { $0.map(Value.int) ?? .none }))
        })
        registerMethod("TensorShape", Builtin("num_elements", Signature([("self", nil)])) { _, args in
            guard case .shape(let s) = args["self"] else { return .none }
            return s.elementCount.map(Value.int) ?? .none
        })
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }

    func components(separatedBy separator: String) -> [String] {
        var parts: [String] = []
        var rest = Substring(self)
        while let r = rest.range(of: separator) {
            parts.append(String(rest[..<r.lowerBound]))
            rest = rest[r.upperBound...]
        }
        parts.append(String(rest))
        return parts
    }
}

extension Substring {
    func range(of needle: String) -> Range<Substring.Index>? {
        guard !needle.isEmpty else { return nil }
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(needle) { return i..<index(i, offsetBy: needle.count) }
            i = index(after: i)
        }
        return nil
    }
}
