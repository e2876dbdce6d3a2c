import GraphcDiagnostics

/// An expression of the graph language, with the source range it was written at.
final class Expr {
    let kind: ExprKind
    let range: SourceRange
    init(_ kind: ExprKind, _ range: SourceRange) {
        self.kind = kind
        self.range = range
    }
}

/// One argument of a call: positional, `name=value`, `*list` or `**dict`.
struct Argument {
    enum Kind { case positional, keyword(String), star, doubleStar }
    let kind: Kind
    let value: Expr
    let range: SourceRange
}

enum BinaryOperator: String { case add = "+", sub = "-", mul = "*", div = "/", floorDiv = "//", mod = "%", pow = "**", matMul = "@" }
enum CompareOperator: String { case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">=", isIn = "in", notIn = "not in", is_ = "is", isNot = "is not" }

indirect enum ExprKind {
    case name(String)
    case none, bool(Bool), int(Int), float(Double), string(String)
    case list([Expr]), tuple([Expr]), dict([(key: Expr, value: Expr)])
    case attribute(Expr, String)
    case index(Expr, Expr)
    /// `a:b:c` inside brackets.
    case slice(Expr?, Expr?, Expr?)
    case call(Expr, [Argument])
    case negate(Expr), plus(Expr), not(Expr)
    case binary(BinaryOperator, Expr, Expr)
    case and(Expr, Expr), or(Expr, Expr)
    case compare(Expr, [(CompareOperator, Expr)])
    /// `then if condition else otherwise`.
    case conditional(condition: Expr, then: Expr, otherwise: Expr)
    /// `[element for target in iterable if condition]`.
    case listComprehension(element: Expr, target: Target, iterable: Expr, condition: Expr?)
    case lambda(parameters: [Parameter], body: Expr)
}

/// Where an assignment or a `for` stores a value.
indirect enum Target {
    case name(String, SourceRange)
    case tuple([Target], SourceRange)
    case index(Expr, Expr, SourceRange)

    var range: SourceRange {
        switch self {
        case .name(_, let r), .tuple(_, let r), .index(_, _, let r): return r
        }
    }
}

struct Parameter {
    enum Kind { case normal, star, doubleStar }
    let name: String
    let kind: Kind
    let defaultValue: Expr?
    let range: SourceRange
}

/// A function definition: `def name(parameters): body`.
final class FunctionDecl {
    let name: String
    let parameters: [Parameter]
    let body: [Stmt]
    let decorators: [Expr]
    let range: SourceRange
    init(name: String, parameters: [Parameter], body: [Stmt], decorators: [Expr], range: SourceRange) {
        self.name = name
        self.parameters = parameters
        self.body = body
        self.decorators = decorators
        self.range = range
    }
}

final class Stmt {
    let kind: StmtKind
    let range: SourceRange
    init(_ kind: StmtKind, _ range: SourceRange) {
        self.kind = kind
        self.range = range
    }
}

struct WithItem {
    let context: Expr
    let target: Target?
}

enum StmtKind {
    case expression(Expr)
    case assign([Target], Expr)
    case augmentedAssign(Target, BinaryOperator, Expr)
    case function(FunctionDecl)
    case `return`(Expr?)
    case `if`([(condition: Expr, body: [Stmt])], otherwise: [Stmt]?)
    case `for`(Target, Expr, [Stmt])
    case `while`(Expr, [Stmt])
    case with([WithItem], [Stmt])
    case pass, `break`, `continue`
    /// `import a.b as c`.
    case `import`(module: String, alias: String?)
    /// `from a import b as c, d` (`names` nil for `*`).
    case fromImport(module: String, names: [(name: String, alias: String?, range: SourceRange)]?)
    case assert(Expr, Expr?)
    /// `raise ValueError('...')`: stops evaluation with that error at the statement.
    case raise(Expr?)
}
