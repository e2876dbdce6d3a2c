import Foundation
import GraphcDiagnostics

/// Recursive-descent parser for graph files. Each `parseX` reads as the grammar rule in its
/// doc comment; Docs/Language.md has the whole grammar.
struct Parser {
    private let file: SourceFile
    private let tokens: [Token]
    private var p = 0
    private var depth = 0
    /// Bounds nesting so a pathological file is an error, not a stack overflow.
    static let maxNesting = 100

    private init(file: SourceFile, tokens: [Token]) {
        self.file = file
        self.tokens = tokens
    }

    /// file := statement* EOF
    static func parse(_ file: SourceFile) throws(Diagnostic) -> [Stmt] {
        var parser = Parser(file: file, tokens: try Lexer.tokenize(file))
        var body: [Stmt] = []
        while parser.peek.kind != .eof {
            if parser.peek.kind == .newline { parser.p += 1; continue }
            body.append(contentsOf: try parser.parseStatement())
        }
        return body
    }

    /// Parses a lone expression (a `-D name=value` value).
    static func parseExpression(_ file: SourceFile) throws(Diagnostic) -> Expr {
        var parser = Parser(file: file, tokens: try Lexer.tokenize(file))
        let e = try parser.parseExpressionList()
        while parser.peek.kind == .newline { parser.p += 1 }
        guard parser.peek.kind == .eof else { throw parser.unexpected("after the value") }
        return e
    }

    // MARK: Tokens

    private var peek: Token { tokens[p] }
    private func peek(_ k: Int) -> Token { tokens[min(p + k, tokens.count - 1)] }

    private mutating func advance() -> Token {
        let t = tokens[p]
        if p < tokens.count - 1 { p += 1 }
        return t
    }

    private func range(_ start: Int, _ end: Int) -> SourceRange { SourceRange(file: file, start: start, end: end) }
    private func range(of t: Token) -> SourceRange { range(t.start, t.end) }
    private var lastEnd: Int { p > 0 ? tokens[p - 1].end : 0 }

    private func isOp(_ s: String) -> Bool { peek.kind == .op(s) }
    private func isKeyword(_ s: String) -> Bool { peek.kind == .keyword(s) }

    private mutating func accept(op s: String) -> Bool {
        if isOp(s) { p += 1; return true }
        return false
    }
    private mutating func accept(keyword s: String) -> Bool {
        if isKeyword(s) { p += 1; return true }
        return false
    }

    private mutating func expect(op s: String, _ context: String) throws(Diagnostic) {
        guard accept(op: s) else { throw unexpected("expected '\(s)' \(context)") }
    }

    private mutating func expectName(_ context: String) throws(Diagnostic) -> (String, SourceRange) {
        if case .name(let n) = peek.kind { let t = advance(); return (n, range(of: t)) }
        if case .keyword(let k) = peek.kind {
            throw Diagnostic("'\(k)' is a keyword and cannot be used as a name", at: range(of: peek))
        }
        throw unexpected("expected a name \(context)")
    }

    private func unexpected(_ message: String) -> Diagnostic {
        let t = peek
        var text = message
        if !message.hasPrefix("expected") { text = "unexpected \(t.kind.spelled) \(message)" } else { text += ", found \(t.kind.spelled)" }
        return Diagnostic(text, at: range(of: t))
    }

    private mutating func nest() throws(Diagnostic) {
        depth += 1
        if depth > Self.maxNesting {
            throw Diagnostic("expression nests too deeply (more than \(Self.maxNesting) levels)", at: range(of: peek))
        }
    }

    // MARK: Statements

    /// statement := compound_statement | simple_statement (';' simple_statement)* NEWLINE
    private mutating func parseStatement() throws(Diagnostic) -> [Stmt] {
        switch peek.kind {
        case .keyword("def"), .op("@"): return [try parseFunction()]
        case .keyword("if"): return [try parseIf()]
        case .keyword("for"): return [try parseFor()]
        case .keyword("while"): return [try parseWhile()]
        case .keyword("with"): return [try parseWith()]
        case .indent: throw Diagnostic("unexpected indent", at: range(of: peek))
        case .keyword(let k) where ["class", "try", "except", "finally", "global", "nonlocal", "yield", "del"].contains(k):
            throw Diagnostic("'\(k)' is not supported in graph files (see Docs/Language.md)", at: range(of: peek))
        default:
            var stmts = [try parseSimpleStatement()]
            while accept(op: ";") {
                if peek.kind == .newline { break }
                stmts.append(try parseSimpleStatement())
            }
            guard peek.kind == .newline || peek.kind == .eof else { throw unexpected("expected end of line") }
            _ = advance()
            return stmts
        }
    }

    /// simple_statement := 'pass' | 'break' | 'continue' | 'return' [expression_list]
    ///                   | import | assert | target_list '=' ... | target augop expression | expression_list
    private mutating func parseSimpleStatement() throws(Diagnostic) -> Stmt {
        let start = peek.start
        if accept(keyword: "pass") { return Stmt(.pass, range(start, lastEnd)) }
        if accept(keyword: "break") { return Stmt(.break, range(start, lastEnd)) }
        if accept(keyword: "continue") { return Stmt(.continue, range(start, lastEnd)) }
        if accept(keyword: "return") {
            let value = peek.kind == .newline || isOp(";") ? nil : try parseExpressionList()
            return Stmt(.return(value), range(start, lastEnd))
        }
        if isKeyword("import") || isKeyword("from") { return try parseImport() }
        if accept(keyword: "raise") {
            let value = peek.kind == .newline || isOp(";") ? nil : try parseExpression()
            return Stmt(.raise(value), range(start, lastEnd))
        }
        if accept(keyword: "assert") {
            let condition = try parseExpression()
            let message = accept(op: ",") ? try parseExpression() : nil
            return Stmt(.assert(condition, message), range(start, lastEnd))
        }
        if case .name("print") = peek.kind, !(peek(1).kind == .op("(")), peek(1).kind != .newline, peek(1).kind != .op("=") {
            if case .op = peek(1).kind {} else {
                throw Diagnostic("print is a function in graph files: write print(...)", at: range(of: peek))
            }
        }
        let first = try parseExpressionList()
        if case .op(let o) = peek.kind, let op = Self.augmentedOperators[o] {
            _ = advance()
            let target = try toTarget(first)
            let value = try parseExpressionList()
            return Stmt(.augmentedAssign(target, op, value), range(start, lastEnd))
        }
        guard isOp("=") else { return Stmt(.expression(first), range(start, lastEnd)) }
        var targets = [try toTarget(first)]
        var value = first
        while accept(op: "=") {
            value = try parseExpressionList()
            if isOp("=") { targets.append(try toTarget(value)) }
        }
        return Stmt(.assign(targets, value), range(start, lastEnd))
    }

    private static let augmentedOperators: [String: BinaryOperator] = [
        "+=": .add, "-=": .sub, "*=": .mul, "/=": .div, "//=": .floorDiv, "%=": .mod, "**=": .pow,
    ]

    private func toTarget(_ e: Expr) throws(Diagnostic) -> Target {
        switch e.kind {
        case .name(let n): return .name(n, e.range)
        case .tuple(let items), .list(let items):
            var targets: [Target] = []
            for item in items { targets.append(try toTarget(item)) }
            return .tuple(targets, e.range)
        case .index(let object, let index): return .index(object, index, e.range)
        default: throw Diagnostic("cannot assign to this expression", at: e.range)
        }
    }

    /// import := 'import' dotted ['as' NAME] | 'from' dotted 'import' ('*' | NAME ['as' NAME] (',' ...)*)
    private mutating func parseImport() throws(Diagnostic) -> Stmt {
        let start = peek.start
        if accept(keyword: "import") {
            let module = try parseDottedName()
            let alias = accept(keyword: "as") ? try expectName("after 'as'").0 : nil
            return Stmt(.import(module: module, alias: alias), range(start, lastEnd))
        }
        _ = advance()
        let module = try parseDottedName()
        guard accept(keyword: "import") else { throw unexpected("expected 'import'") }
        if accept(op: "*") { return Stmt(.fromImport(module: module, names: nil), range(start, lastEnd)) }
        let parenthesized = accept(op: "(")
        var names: [(name: String, alias: String?, range: SourceRange)] = []
        repeat {
            if parenthesized, isOp(")") { break }
            let (name, r) = try expectName("to import")
            let alias = accept(keyword: "as") ? try expectName("after 'as'").0 : nil
            names.append((name, alias, r))
        } while accept(op: ",")
        if parenthesized { try expect(op: ")", "to close the import list") }
        return Stmt(.fromImport(module: module, names: names), range(start, lastEnd))
    }

    private mutating func parseDottedName() throws(Diagnostic) -> String {
        var name = try expectName("of a module").0
        while accept(op: ".") { name += "." + (try expectName("of a module").0) }
        return name
    }

    /// block := ':' (simple_statements NEWLINE | NEWLINE INDENT statement+ DEDENT)
    private mutating func parseBlock(_ context: String) throws(Diagnostic) -> [Stmt] {
        try expect(op: ":", context)
        if peek.kind != .newline {
            var stmts = [try parseSimpleStatement()]
            while accept(op: ";") { if peek.kind == .newline { break }; stmts.append(try parseSimpleStatement()) }
            guard peek.kind == .newline || peek.kind == .eof else { throw unexpected("expected end of line") }
            _ = advance()
            return stmts
        }
        _ = advance()
        guard peek.kind == .indent else {
            throw Diagnostic("expected an indented block \(context.replacingOccurrences(of: "to start ", with: "for "))", at: range(of: peek))
        }
        _ = advance()
        var body: [Stmt] = []
        while peek.kind != .dedent && peek.kind != .eof {
            body.append(contentsOf: try parseStatement())
        }
        _ = advance()
        return body
    }

    /// function := ('@' expression NEWLINE)* 'def' NAME '(' parameters ')' ['->' expression] block
    private mutating func parseFunction() throws(Diagnostic) -> Stmt {
        let start = peek.start
        var decorators: [Expr] = []
        while accept(op: "@") {
            decorators.append(try parseExpression())
            guard peek.kind == .newline else { throw unexpected("expected end of line after a decorator") }
            _ = advance()
        }
        guard accept(keyword: "def") else { throw unexpected("expected 'def' after decorators") }
        let (name, _) = try expectName("after 'def'")
        try expect(op: "(", "after the function name")
        let parameters = try parseParameters(closing: ")")
        try expect(op: ")", "to close the parameter list")
        if accept(op: "->") { _ = try parseExpression() }
        let headerEnd = lastEnd
        let body = try parseBlock("to start the body of '\(name)'")
        let decl = FunctionDecl(name: name, parameters: parameters, body: body, decorators: decorators, range: range(start, headerEnd))
        return Stmt(.function(decl), range(start, headerEnd))
    }

    /// parameters := [parameter (',' parameter)* [',']]; parameter := NAME ['=' expression] | '*' NAME | '**' NAME
    private mutating func parseParameters(closing: String) throws(Diagnostic) -> [Parameter] {
        var parameters: [Parameter] = []
        var sawDefault = false
        while !isOp(closing) {
            let start = peek.start
            var kind = Parameter.Kind.normal
            if accept(op: "*") { kind = .star } else if accept(op: "**") { kind = .doubleStar }
            let (name, r) = try expectName("for a parameter")
            if parameters.contains(where: { $0.name == name }) {
                throw Diagnostic("duplicate parameter '\(name)'", at: r)
            }
            var defaultValue: Expr?
            if kind == .normal, accept(op: "=") {
                defaultValue = try parseExpression()
                sawDefault = true
            } else if kind == .normal, sawDefault, !parameters.contains(where: { $0.kind == .star }) {
                throw Diagnostic("parameter '\(name)' without a default follows one with a default", at: r)
            }
            parameters.append(Parameter(name: name, kind: kind, defaultValue: defaultValue, range: range(start, lastEnd)))
            if !accept(op: ",") { break }
        }
        return parameters
    }

    /// if := 'if' expression block ('elif' expression block)* ['else' block]
    private mutating func parseIf() throws(Diagnostic) -> Stmt {
        let start = advance().start
        var branches = [(condition: try parseExpression(), body: try parseBlock("to start the 'if' body"))]
        var otherwise: [Stmt]?
        while true {
            if accept(keyword: "elif") {
                branches.append((try parseExpression(), try parseBlock("to start the 'elif' body")))
            } else if accept(keyword: "else") {
                otherwise = try parseBlock("after 'else'")
                break
            } else { break }
        }
        return Stmt(.if(branches, otherwise: otherwise), range(start, start + 2))
    }

    /// for := 'for' target_list 'in' expression_list block
    private mutating func parseFor() throws(Diagnostic) -> Stmt {
        let start = advance().start
        let targetStart = peek.start
        var targets: [Expr] = [try parseBitOr()]
        while accept(op: ",") { if isKeyword("in") { break }; targets.append(try parseBitOr()) }
        let targetExpr = targets.count == 1 ? targets[0] : Expr(.tuple(targets), range(targetStart, lastEnd))
        let target = try toTarget(targetExpr)
        guard accept(keyword: "in") else { throw unexpected("expected 'in' in a for loop") }
        let iterable = try parseExpressionList()
        let body = try parseBlock("to start the loop body")
        return Stmt(.for(target, iterable, body), range(start, start + 3))
    }

    /// while := 'while' expression block
    private mutating func parseWhile() throws(Diagnostic) -> Stmt {
        let start = advance().start
        let condition = try parseExpression()
        let body = try parseBlock("to start the loop body")
        return Stmt(.while(condition, body), range(start, start + 5))
    }

    /// with := 'with' expression ['as' target] (',' expression ['as' target])* block
    private mutating func parseWith() throws(Diagnostic) -> Stmt {
        let start = advance().start
        var items: [WithItem] = []
        repeat {
            let context = try parseExpression()
            var target: Target?
            if accept(keyword: "as") { target = try toTarget(try parseBitOr()) }
            items.append(WithItem(context: context, target: target))
        } while accept(op: ",")
        let headerEnd = lastEnd
        let body = try parseBlock("to start the 'with' body")
        return Stmt(.with(items, body), range(start, headerEnd))
    }

    // MARK: Expressions

    /// expression_list := expression (',' expression)* [',']   (a tuple when there is a comma)
    private mutating func parseExpressionList() throws(Diagnostic) -> Expr {
        let start = peek.start
        let first = try parseExpression()
        guard isOp(",") else { return first }
        var items = [first]
        while accept(op: ",") {
            if peek.kind == .newline || isOp("=") || isOp(")") || isOp(";") || isOp(":") { break }
            items.append(try parseExpression())
        }
        return Expr(.tuple(items), range(start, lastEnd))
    }

    /// expression := or_test ['if' or_test 'else' expression] | 'lambda' parameters ':' expression
    private mutating func parseExpression() throws(Diagnostic) -> Expr {
        try nest(); defer { depth -= 1 }
        let start = peek.start
        if accept(keyword: "lambda") {
            let parameters = try parseParameters(closing: ":")
            try expect(op: ":", "after lambda parameters")
            let body = try parseExpression()
            return Expr(.lambda(parameters: parameters, body: body), range(start, lastEnd))
        }
        let value = try parseOr()
        guard accept(keyword: "if") else { return value }
        let condition = try parseOr()
        guard accept(keyword: "else") else { throw unexpected("expected 'else' in a conditional expression") }
        let otherwise = try parseExpression()
        return Expr(.conditional(condition: condition, then: value, otherwise: otherwise), range(start, lastEnd))
    }

    /// or_test := and_test ('or' and_test)*
    private mutating func parseOr() throws(Diagnostic) -> Expr {
        let start = peek.start
        var left = try parseAnd()
        while accept(keyword: "or") { left = Expr(.or(left, try parseAnd()), range(start, lastEnd)) }
        return left
    }

    /// and_test := not_test ('and' not_test)*
    private mutating func parseAnd() throws(Diagnostic) -> Expr {
        let start = peek.start
        var left = try parseNot()
        while accept(keyword: "and") { left = Expr(.and(left, try parseNot()), range(start, lastEnd)) }
        return left
    }

    /// not_test := 'not' not_test | comparison
    private mutating func parseNot() throws(Diagnostic) -> Expr {
        let start = peek.start
        if accept(keyword: "not") {
            try nest(); defer { depth -= 1 }
            return Expr(.not(try parseNot()), range(start, lastEnd))
        }
        return try parseComparison()
    }

    /// comparison := bit_or (comp_op bit_or)*
    private mutating func parseComparison() throws(Diagnostic) -> Expr {
        let start = peek.start
        let first = try parseBitOr()
        var rest: [(CompareOperator, Expr)] = []
        while true {
            var op: CompareOperator?
            switch peek.kind {
            case .op("=="): op = .eq
            case .op("!="): op = .ne
            case .op("<"): op = .lt
            case .op("<="): op = .le
            case .op(">"): op = .gt
            case .op(">="): op = .ge
            case .keyword("in"): op = .isIn
            case .keyword("not") where peek(1).kind == .keyword("in"): op = .notIn; p += 1
            case .keyword("is"):
                op = peek(1).kind == .keyword("not") ? .isNot : .is_
                if op == .isNot { p += 1 }
            default: break
            }
            guard let op else { break }
            p += 1
            rest.append((op, try parseBitOr()))
        }
        return rest.isEmpty ? first : Expr(.compare(first, rest), range(start, lastEnd))
    }

    /// bit_or := arith  (bitwise operators are not part of the language)
    private mutating func parseBitOr() throws(Diagnostic) -> Expr { try parseArith() }

    /// arith := term (('+' | '-') term)*
    private mutating func parseArith() throws(Diagnostic) -> Expr {
        let start = peek.start
        var left = try parseTerm()
        while true {
            let op: BinaryOperator
            if isOp("+") { op = .add } else if isOp("-") { op = .sub } else { break }
            p += 1
            left = Expr(.binary(op, left, try parseTerm()), range(start, lastEnd))
        }
        return left
    }

    /// term := factor (('*' | '/' | '//' | '%' | '@') factor)*
    private mutating func parseTerm() throws(Diagnostic) -> Expr {
        let start = peek.start
        var left = try parseFactor()
        while true {
            let op: BinaryOperator
            switch peek.kind {
            case .op("*"): op = .mul
            case .op("/"): op = .div
            case .op("//"): op = .floorDiv
            case .op("%"): op = .mod
            case .op("@"): op = .matMul
            default: return left
            }
            p += 1
            left = Expr(.binary(op, left, try parseFactor()), range(start, lastEnd))
        }
    }

    /// factor := ('-' | '+') factor | power
    private mutating func parseFactor() throws(Diagnostic) -> Expr {
        let start = peek.start
        if accept(op: "-") {
            try nest(); defer { depth -= 1 }
            return Expr(.negate(try parseFactor()), range(start, lastEnd))
        }
        if accept(op: "+") {
            try nest(); defer { depth -= 1 }
            return Expr(.plus(try parseFactor()), range(start, lastEnd))
        }
        return try parsePower()
    }

    /// power := primary ['**' factor]
    private mutating func parsePower() throws(Diagnostic) -> Expr {
        let start = peek.start
        let base = try parsePrimary()
        guard accept(op: "**") else { return base }
        return Expr(.binary(.pow, base, try parseFactor()), range(start, lastEnd))
    }

    /// primary := atom ('.' NAME | '(' arguments ')' | '[' subscript ']')*
    private mutating func parsePrimary() throws(Diagnostic) -> Expr {
        let start = peek.start
        var e = try parseAtom()
        var trailers = 0
        while true {
            // Each trailer nests the expression one level deeper when it is evaluated.
            if isOp(".") || isOp("(") || isOp("[") {
                trailers += 1
                if trailers > Self.maxNesting {
                    throw Diagnostic("expression nests too deeply (more than \(Self.maxNesting) calls, subscripts or attributes in a row)", at: range(of: peek))
                }
            }
            if accept(op: ".") {
                let (name, _) = try expectName("after '.'")
                e = Expr(.attribute(e, name), range(start, lastEnd))
            } else if accept(op: "(") {
                let arguments = try parseArguments()
                try expect(op: ")", "to close the call")
                e = Expr(.call(e, arguments), range(start, lastEnd))
            } else if accept(op: "[") {
                let index = try parseSubscript()
                try expect(op: "]", "to close the subscript")
                e = Expr(.index(e, index), range(start, lastEnd))
            } else {
                return e
            }
        }
    }

    /// arguments := [argument (',' argument)* [',']]; argument := expression | NAME '=' expression | '*' expression | '**' expression
    private mutating func parseArguments() throws(Diagnostic) -> [Argument] {
        var arguments: [Argument] = []
        var sawKeyword = false
        while !isOp(")") {
            let start = peek.start
            if accept(op: "**") {
                let v = try parseExpression()
                arguments.append(Argument(kind: .doubleStar, value: v, range: range(start, lastEnd)))
                sawKeyword = true
            } else if accept(op: "*") {
                let v = try parseExpression()
                arguments.append(Argument(kind: .star, value: v, range: range(start, lastEnd)))
            } else if case .name(let n) = peek.kind, peek(1).kind == .op("=") {
                p += 2
                if arguments.contains(where: { if case .keyword(n) = $0.kind { return true } else { return false } }) {
                    throw Diagnostic("keyword argument '\(n)' repeated", at: range(start, start + n.count))
                }
                let v = try parseExpression()
                arguments.append(Argument(kind: .keyword(n), value: v, range: range(start, lastEnd)))
                sawKeyword = true
            } else {
                let v = try parseExpression()
                if sawKeyword { throw Diagnostic("positional argument follows keyword argument", at: v.range) }
                if isKeyword("for") {
                    // A generator argument: f(x for x in xs) is read as f([x for x in xs]).
                    let comp = try parseComprehension(element: v, start: start, closing: ")")
                    arguments.append(Argument(kind: .positional, value: comp, range: comp.range))
                } else {
                    arguments.append(Argument(kind: .positional, value: v, range: range(start, lastEnd)))
                }
            }
            if !accept(op: ",") { break }
        }
        return arguments
    }

    /// subscript := item (',' item)* [','] ; item := expression | [expression] ':' [expression] [':' [expression]]
    /// Several items (or a trailing comma) make a tuple: `d[1, 2]`, a tensor's `x[:, 1:3]`.
    private mutating func parseSubscript() throws(Diagnostic) -> Expr {
        let start = peek.start
        var items: [Expr] = []
        var trailingComma = false
        while !isOp("]") {
            items.append(try parseSubscriptItem())
            trailingComma = accept(op: ",")
            if !trailingComma { break }
        }
        guard let first = items.first else { throw Diagnostic("a subscript needs an index", at: range(start, lastEnd)) }
        if items.count == 1 && !trailingComma { return first }
        return Expr(.tuple(items), range(start, lastEnd))
    }

    private mutating func parseSubscriptItem() throws(Diagnostic) -> Expr {
        let start = peek.start
        var parts: [Expr?] = []
        var current: Expr? = isOp(":") ? nil : try parseExpression()
        guard isOp(":") else { return current! }
        while accept(op: ":") {
            parts.append(current)
            current = isOp(":") || isOp("]") || isOp(",") ? nil : try parseExpression()
        }
        parts.append(current)
        if parts.count > 3 { throw Diagnostic("a slice has at most three parts", at: range(start, lastEnd)) }
        while parts.count < 3 { parts.append(nil) }
        return Expr(.slice(parts[0], parts[1], parts[2]), range(start, lastEnd))
    }

    /// comprehension_tail := 'for' target_list 'in' or_test ['if' or_test]
    private mutating func parseComprehension(element: Expr, start: Int, closing: String) throws(Diagnostic) -> Expr {
        _ = advance()
        let targetStart = peek.start
        var targets: [Expr] = [try parseBitOr()]
        while accept(op: ",") { targets.append(try parseBitOr()) }
        let target = try toTarget(targets.count == 1 ? targets[0] : Expr(.tuple(targets), range(targetStart, lastEnd)))
        guard accept(keyword: "in") else { throw unexpected("expected 'in' in a comprehension") }
        let iterable = try parseOr()
        let condition = accept(keyword: "if") ? try parseOr() : nil
        if isKeyword("for") { throw Diagnostic("nested comprehensions are not supported", at: range(of: peek)) }
        return Expr(.listComprehension(element: element, target: target, iterable: iterable, condition: condition), range(start, lastEnd))
    }

    /// atom := NAME | NUMBER | STRING+ | 'None' | 'True' | 'False' | '(' [expression_list] ')'
    ///       | '[' [expression_list | comprehension] ']' | '{' [key ':' value (',' ...)*] '}'
    private mutating func parseAtom() throws(Diagnostic) -> Expr {
        let t = peek
        switch t.kind {
        case .name(let n): p += 1; return Expr(.name(n), range(of: t))
        case .int(let v): p += 1; return Expr(.int(v), range(of: t))
        case .float(let v): p += 1; return Expr(.float(v), range(of: t))
        case .string(var v):
            p += 1
            while case .string(let more) = peek.kind { v += more; p += 1 }
            return Expr(.string(v), range(t.start, lastEnd))
        case .keyword("None"): p += 1; return Expr(.none, range(of: t))
        case .keyword("True"): p += 1; return Expr(.bool(true), range(of: t))
        case .keyword("False"): p += 1; return Expr(.bool(false), range(of: t))
        case .op("("):
            try nest(); defer { depth -= 1 }
            p += 1
            if accept(op: ")") { return Expr(.tuple([]), range(t.start, lastEnd)) }
            let first = try parseExpression()
            if isKeyword("for") {
                let comp = try parseComprehension(element: first, start: t.start, closing: ")")
                try expect(op: ")", "to close the parenthesis")
                return comp
            }
            if accept(op: ")") { return first }
            var items = [first]
            while accept(op: ",") {
                if isOp(")") { break }
                items.append(try parseExpression())
            }
            try expect(op: ")", "to close the tuple")
            return Expr(.tuple(items), range(t.start, lastEnd))
        case .op("["):
            try nest(); defer { depth -= 1 }
            p += 1
            var items: [Expr] = []
            if !isOp("]") {
                let first = try parseExpression()
                if isKeyword("for") {
                    let comp = try parseComprehension(element: first, start: t.start, closing: "]")
                    try expect(op: "]", "to close the list")
                    return comp
                }
                items.append(first)
                while accept(op: ",") {
                    if isOp("]") { break }
                    items.append(try parseExpression())
                }
            }
            try expect(op: "]", "to close the list")
            return Expr(.list(items), range(t.start, lastEnd))
        case .op("{"):
            try nest(); defer { depth -= 1 }
            p += 1
            var entries: [(key: Expr, value: Expr)] = []
            while !isOp("}") {
                let key = try parseExpression()
                try expect(op: ":", "between a dictionary key and its value")
                entries.append((key, try parseExpression()))
                if !accept(op: ",") { break }
            }
            try expect(op: "}", "to close the dictionary")
            return Expr(.dict(entries), range(t.start, lastEnd))
        case .indent:
            throw Diagnostic("unexpected indent", at: range(of: t))
        default:
            throw unexpected("expected an expression")
        }
    }
}
