import Foundation
import GraphcDiagnostics
import GraphcIR

extension Evaluator {
    /// Python's `str()`; a tensor prints exactly as TF1 prints it.
    func str(_ v: Value) throws -> String {
        switch v {
        case .string(let s): return s
        default: return repr(v)
        }
    }

    /// Python's `repr()`; a list that contains itself prints as `[...]` there, as in Python.
    func repr(_ v: Value) -> String {
        var visiting = Set<ObjectIdentifier>()
        return repr(v, &visiting)
    }

    private func repr(_ v: Value, _ visiting: inout Set<ObjectIdentifier>) -> String {
        func inner(_ x: Value) -> String { repr(x, &visiting) }
        switch v {
        case .list(let l):
            guard visiting.insert(ObjectIdentifier(l)).inserted else { return "[...]" }
            defer { visiting.remove(ObjectIdentifier(l)) }
            return "[" + l.items.map(inner).joined(separator: ", ") + "]"
        case .tuple(let t): return t.count == 1 ? "(\(inner(t[0])),)" : "(" + t.map(inner).joined(separator: ", ") + ")"
        case .dict(let d):
            guard visiting.insert(ObjectIdentifier(d)).inserted else { return "{...}" }
            defer { visiting.remove(ObjectIdentifier(d)) }
            return "{" + zip(d.keys, d.values).map { "\(inner($0)): \(inner($1))" }.joined(separator: ", ") + "}"
        case let .record(t, values):
            return t.name + "(" + zip(t.fields, values).map { "\($0)=\(inner($1))" }.joined(separator: ", ") + ")"
        default:
            return reprLeaf(v)
        }
    }

    private func reprLeaf(_ v: Value) -> String {
        switch v {
        case .none: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .float(let f): return Self.formatFloat(f)
        case .string(let s): return Self.quote(s)
        case .list, .tuple, .dict, .record: return repr(v)
        case let .range(a, b, c): return c == 1 ? "range(\(a), \(b))" : "range(\(a), \(b), \(c))"
        case .tensor(let id):
            let node = builder.graph[id]
            if shapeUnknownToTF.contains(node.id) { return "Tensor(\"\(node.tensorName)\", dtype=float32)" }
            return "Tensor(\"\(node.tensorName)\", shape=\(node.shape), dtype=float32)"
        case .shape(let s): return s.description
        case .function(let f): return "<function \(f.name)>"
        case .builtin(let b): return "<function \(b.name)>"
        case .boundMethod(_, let name, _): return "<method \(name)>"
        case .module(let m): return "<module '\(m.name)'>"
        case .recordType(let t): return "<class '\(t.name)'>"
        case .context: return "<context manager>"
        case .variableScope(let name, _): return "<VariableScope '\(name)'>"
        case .argScope: return "<arg_scope>"
        case .dtype(let d): return "tf.\(d)"
        case .opaque(let s): return "<\(s)>"
        }
    }

    /// Python's float repr: shortest round-trip digits, `1e-05` style exponents.
    static func formatFloat(_ f: Double) -> String {
        if f.isNaN { return "nan" }
        if f.isInfinite { return f > 0 ? "inf" : "-inf" }
        if f == f.rounded(), abs(f) < 1e16 { return String(format: "%.1f", f) }
        return "\(f)"
    }

    static func quote(_ s: String) -> String {
        let useDouble = s.contains("'") && !s.contains("\"")
        let q: Character = useDouble ? "\"" : "'"
        var out = String(q)
        for c in s {
            switch c {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case q: out += "\\\(q)"
            default: out.append(c)
            }
        }
        return out + String(q)
    }

    /// `'unit_%d' % (i + 1)`: %d %i %s %r %f %g %e with optional flags, width and precision
    /// (each at most 1000), and %%.
    func percentFormat(_ format: String, _ args: Value, at range: SourceRange) throws -> String {
        var values: [Value]
        if case .tuple(let t) = args { values = t } else { values = [args] }
        var out = ""
        var chars = Array(format)[...]
        while let c = chars.popFirst() {
            guard c == "%" else { out.append(c); continue }
            var spec = ""
            while let n = chars.first, "-+ 0123456789.".contains(n) { spec.append(n); chars.removeFirst() }
            guard let conversion = chars.popFirst() else { throw Diagnostic("incomplete format: '%' at the end of the string", at: range) }
            if conversion == "%" { out.append("%"); continue }
            guard !values.isEmpty else { throw Diagnostic("not enough arguments for the format string", at: range) }
            let numbers = spec.split(separator: ".", omittingEmptySubsequences: false).map { $0.filter(\.isNumber) }
            guard numbers.count <= 2, numbers.allSatisfy({ $0.count <= 4 && (Int($0) ?? 0) <= 1000 }) else {
                throw Diagnostic("format width and precision must be at most 1000", at: range)
            }
            let v = values.removeFirst()
            switch conversion {
            case "s", "r":
                var text = conversion == "s" ? try str(v) : repr(v)
                if numbers.count == 2 { text = String(text.prefix(Int(numbers[1]) ?? 0)) }
                out += pad(text, width: Int(numbers[0]) ?? 0, left: spec.hasPrefix("-"))
            case "d", "i":
                if case .int(let i) = v {
                    out += String(format: "%\(spec)lld", Int64(i))
                    continue
                }
                guard let n = number(v) else { throw Diagnostic("%\(conversion) format needs a number, not \(v.typeName)", at: range) }
                guard n.isFinite, abs(n) < 9.2e18 else { throw Diagnostic("cannot format \(Self.formatFloat(n)) as an integer", at: range) }
                out += String(format: "%\(spec)lld", Int64(n.rounded(.towardZero)))
            case "f", "g", "e", "F", "G", "E":
                guard let n = number(v) else { throw Diagnostic("%\(conversion) format needs a number, not \(v.typeName)", at: range) }
                out += String(format: "%\(spec)\(conversion)", n)
            default:
                throw Diagnostic("unsupported format character '\(conversion)'", at: range)
            }
        }
        if !values.isEmpty { throw Diagnostic("not all arguments converted during string formatting", at: range) }
        return out
    }

    private func pad(_ s: String, width: Int, left: Bool) -> String {
        guard width > s.count else { return s }
        let padding = String(repeating: " ", count: width - s.count)
        return left ? s + padding : padding + s
    }
}
