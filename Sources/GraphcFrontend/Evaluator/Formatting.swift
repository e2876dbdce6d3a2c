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

    /// Python's `repr()`.
    func repr(_ v: Value) -> String {
        switch v {
        case .none: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .float(let f): return Self.formatFloat(f)
        case .string(let s): return Self.quote(s)
        case .list(let l): return "[" + l.items.map(repr).joined(separator: ", ") + "]"
        case .tuple(let t): return t.count == 1 ? "(\(repr(t[0])),)" : "(" + t.map(repr).joined(separator: ", ") + ")"
        case .dict(let d): return "{" + zip(d.keys, d.values).map { "\(repr($0)): \(repr($1))" }.joined(separator: ", ") + "}"
        case let .range(a, b, c): return c == 1 ? "range(\(a), \(b))" : "range(\(a), \(b), \(c))"
        case .tensor(let id):
            let node = builder.graph[id]
            return "Tensor(\"\(node.tensorName)\", shape=\(node.shape), dtype=float32)"
        case .shape(let s): return s.description
        case .function(let f): return "<function \(f.name)>"
        case .builtin(let b): return "<function \(b.name)>"
        case .boundMethod(_, let name, _): return "<method \(name)>"
        case .module(let m): return "<module '\(m.name)'>"
        case .recordType(let t): return "<class '\(t.name)'>"
        case let .record(t, values):
            return t.name + "(" + zip(t.fields, values).map { "\($0)=\(repr($1))" }.joined(separator: ", ") + ")"
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

    /// `'unit_%d' % (i + 1)`: %d %i %s %r %f %g %e with optional width and precision, and %%.
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
            let v = values.removeFirst()
            switch conversion {
            case "s": out += pad(try str(v), spec)
            case "r": out += pad(repr(v), spec)
            case "d", "i":
                guard let n = number(v) else { throw Diagnostic("%\(conversion) format needs a number, not \(v.typeName)", at: range) }
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

    private func pad(_ s: String, _ spec: String) -> String {
        let left = spec.hasPrefix("-")
        guard let width = Int(spec.filter { $0.isNumber && $0 != "." }.prefix(while: { _ in true })), width > s.count else { return s }
        let padding = String(repeating: " ", count: width - s.count)
        return left ? s + padding : padding + s
    }
}
