import Foundation
import GraphcDiagnostics
import GraphcIR

extension Evaluator {
    /// Arithmetic with Python semantics; on tensors `+` and `*` add `add` / `mul` nodes.
    func binary(_ op: BinaryOperator, _ l: Value, _ r: Value, at range: SourceRange, inPlace: Bool = false) throws -> Value {
        func fail() -> Diagnostic {
            Diagnostic("unsupported operand types for \(op.rawValue): '\(l.typeName)' and '\(r.typeName)'", at: range)
        }
        switch (l, r) {
        case (.tensor, _), (_, .tensor):
            return try tensorBinary(op, l, r, at: range) ?? { throw fail() }()
        case let (.int(a), .int(b)):
            return try intBinary(op, a, b, at: range)
        case let (.bool(b), _):
            return try binary(op, .int(b ? 1 : 0), r, at: range, inPlace: inPlace)
        case let (_, .bool(b)):
            return try binary(op, l, .int(b ? 1 : 0), at: range, inPlace: inPlace)
        case (.int, .float), (.float, .int), (.float, .float):
            guard let a = number(l), let b = number(r) else { throw fail() }
            return .float(try floatBinary(op, a, b, at: range))
        case let (.string(a), .string(b)) where op == .add:
            try checkLength(a.count, b.count, at: range)
            return .string(a + b)
        case let (.string(a), .int(n)) where op == .mul, let (.int(n), .string(a)) where op == .mul:
            let (length, overflow) = n.multipliedReportingOverflow(by: a.count)
            guard !overflow, length <= Self.maxSequenceLength else { throw Diagnostic("string is too long", at: range) }
            return .string(String(repeating: a, count: max(0, n)))
        case let (.string(format), args) where op == .mod:
            let text = try percentFormat(format, args, at: range)
            try checkLength(text.count, 0, at: range)
            return .string(text)
        case let (.list(a), .list(b)) where op == .add:
            try checkLength(a.items.count, b.items.count, at: range)
            if inPlace { a.items += b.items; return l }
            return .list(ListBox(a.items + b.items))
        case let (.list(a), .tuple(b)) where op == .add && inPlace:
            try checkLength(a.items.count, b.count, at: range)
            a.items += b
            return l
        case let (.tuple(a), .tuple(b)) where op == .add:
            try checkLength(a.count, b.count, at: range)
            return .tuple(a + b)
        case let (.list(a), .int(n)) where op == .mul, let (.int(n), .list(a)) where op == .mul:
            return .list(ListBox(try repeated(a.items, n, at: range)))
        case let (.tuple(a), .int(n)) where op == .mul, let (.int(n), .tuple(a)) where op == .mul:
            return .tuple(try repeated(a, n, at: range))
        default:
            throw fail()
        }
    }

    /// Lists and strings stay within `maxSequenceLength`, however they grow.
    func checkLength(_ a: Int, _ b: Int, at range: SourceRange) throws {
        let (total, overflow) = a.addingReportingOverflow(b)
        guard !overflow, total <= Self.maxSequenceLength else {
            throw Diagnostic("a list or string of \(overflow ? "too many" : total.formatted()) elements is too long (the limit is \(Self.maxSequenceLength.formatted()))", at: range)
        }
        try countSteps(total / 8, range)
    }

    private func repeated(_ items: [Value], _ n: Int, at range: SourceRange) throws -> [Value] {
        let (total, overflow) = items.count.multipliedReportingOverflow(by: max(0, n))
        guard !overflow, total <= Self.maxSequenceLength else {
            throw Diagnostic("list of \(overflow ? "too many" : total.formatted()) elements is too long (the limit is \(Self.maxSequenceLength.formatted()))", at: range)
        }
        try countSteps(total / 8, range)
        return Array([[Value]](repeating: items, count: max(0, n)).joined())
    }

    func number(_ v: Value) -> Double? {
        switch v {
        case .int(let i): return Double(i)
        case .float(let f): return f
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    private func intBinary(_ op: BinaryOperator, _ a: Int, _ b: Int, at range: SourceRange) throws -> Value {
        func checked(_ r: (partialValue: Int, overflow: Bool)) throws -> Value {
            guard !r.overflow else { throw Diagnostic("integer overflow", at: range) }
            return .int(r.partialValue)
        }
        switch op {
        case .add: return try checked(a.addingReportingOverflow(b))
        case .sub: return try checked(a.subtractingReportingOverflow(b))
        case .mul: return try checked(a.multipliedReportingOverflow(by: b))
        case .div:
            guard b != 0 else { throw Diagnostic("division by zero", at: range) }
            return .float(Double(a) / Double(b))
        case .floorDiv, .mod:
            guard b != 0 else { throw Diagnostic(op == .mod ? "modulo by zero" : "division by zero", at: range) }
            guard !(a == Int.min && b == -1) else { throw Diagnostic("integer overflow", at: range) }
            var q = a / b
            if (a % b != 0) && ((a < 0) != (b < 0)) { q -= 1 }
            return .int(op == .floorDiv ? q : a - q * b)
        case .pow:
            if b < 0 {
                guard a != 0 else { throw Diagnostic("division by zero (0 to a negative power)", at: range) }
                return .float(Foundation.pow(Double(a), Double(b)))
            }
            var result = 1
            for _ in 0..<min(b, 64) {
                let r = result.multipliedReportingOverflow(by: a)
                guard !r.overflow else { throw Diagnostic("integer overflow", at: range) }
                result = r.partialValue
            }
            if b > 64, abs(a) > 1 { throw Diagnostic("integer overflow", at: range) }
            if b > 64, a == -1 { result = b % 2 == 0 ? 1 : -1 }
            return .int(result)
        case .matMul:
            throw Diagnostic("unsupported operand types for @: 'int' and 'int'", at: range)
        }
    }

    private func floatBinary(_ op: BinaryOperator, _ a: Double, _ b: Double, at range: SourceRange) throws -> Double {
        switch op {
        case .add: return a + b
        case .sub: return a - b
        case .mul: return a * b
        case .div:
            guard b != 0 else { throw Diagnostic("division by zero", at: range) }
            return a / b
        case .floorDiv:
            guard b != 0 else { throw Diagnostic("division by zero", at: range) }
            return (a / b).rounded(.down)
        case .mod:
            guard b != 0 else { throw Diagnostic("modulo by zero", at: range) }
            let m = a.truncatingRemainder(dividingBy: b)
            return m != 0 && ((m < 0) != (b < 0)) ? m + b : m
        case .pow:
            guard !(a == 0 && b < 0) else { throw Diagnostic("division by zero (0 to a negative power)", at: range) }
            return Foundation.pow(a, b)
        case .matMul: throw Diagnostic("unsupported operand types for @", at: range)
        }
    }

    /// `tensor + tensor`, `tensor * 0.5`, `1 - x`, `x / 255`: TF1's ops, named as TF1 names
    /// them (`add`, `mul`, `sub`, `truediv`).
    private func tensorBinary(_ op: BinaryOperator, _ l: Value, _ r: Value, at range: SourceRange) throws -> Value? {
        let kind: Op, opName: String
        switch op {
        case .add: (kind, opName) = (.add, "add")
        case .mul: (kind, opName) = (.mul, "mul")
        case .sub: (kind, opName) = (.binary(.sub), "sub")
        case .div: (kind, opName) = (.binary(.div), "truediv")
        default:
            throw Diagnostic("operator \(op.rawValue) is not supported on tensors (graphc has +, -, * and /)", at: range)
        }
        builder.location = range.location
        switch (l, r) {
        case (.tensor, .tensor), (.tensor, .int), (.tensor, .float), (.int, .tensor), (.float, .tensor): break
        default: return nil
        }
        // As TF1 names them: the op `mul`, a number operand its constant `mul/y` (or `mul/x`).
        let name = builder.uniqueName(opName)
        func operand(_ v: Value, _ role: String) -> NodeID {
            if case .tensor(let t) = v { return t }
            return builder.constant([Float(number(v)!)], shape: [], exactName: "\(name)/\(role)")
        }
        let a = operand(l, "x"), b = operand(r, "y")
        do {
            return .tensor(try builder.add(kind, [a, b], exactName: name))
        } catch {
            throw Diagnostic(error.message, at: range)
        }
    }

    func compare(_ op: CompareOperator, _ l: Value, _ r: Value, at range: SourceRange) throws -> Bool {
        switch op {
        case .eq: return l.structurallyEquals(r)
        case .ne: return !l.structurallyEquals(r)
        case .is_, .isNot:
            let same: Bool
            switch (l, r) {
            case (.none, .none): same = true
            case (.none, _), (_, .none): same = false
            case let (.list(a), .list(b)): same = a === b
            default: same = l.structurallyEquals(r)
            }
            return op == .is_ ? same : !same
        case .isIn, .notIn:
            let found: Bool
            switch r {
            case .string(let s):
                guard case .string(let sub) = l else { throw Diagnostic("'in <string>' needs a string on the left", at: range) }
                found = s.contains(sub)
            case .dict(let d): found = d.index(of: l) != nil
            default: found = try sequenceItems(r, at: range, what: "search").contains { $0.structurallyEquals(l) }
            }
            return op == .isIn ? found : !found
        case .lt, .le, .gt, .ge:
            let order: Int
            if let a = number(l), let b = number(r) {
                order = a < b ? -1 : (a > b ? 1 : 0)
            } else if case .string(let a) = l, case .string(let b) = r {
                order = a < b ? -1 : (a > b ? 1 : 0)
            } else {
                throw Diagnostic("'\(op.rawValue)' is not supported between '\(l.typeName)' and '\(r.typeName)'", at: range)
            }
            switch op {
            case .lt: return order < 0
            case .le: return order <= 0
            case .gt: return order > 0
            default: return order >= 0
            }
        }
    }
}
