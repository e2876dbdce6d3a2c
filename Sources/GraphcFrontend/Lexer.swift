import GraphcDiagnostics

/// Turns a graph file into tokens the way Python does: INDENT/DEDENT from leading white space,
/// no NEWLINE inside brackets, `#` comments, backslash continuations, triple-quoted strings.
struct Lexer {
    private let file: SourceFile
    private let s: [Unicode.Scalar]
    private var i = 0
    private var tokens: [Token] = []
    private var indents = [0]
    private var bracketDepth = 0
    private var atLineStart = true

    init(file: SourceFile) {
        self.file = file
        self.s = file.scalars
    }

    static func tokenize(_ file: SourceFile) throws(Diagnostic) -> [Token] {
        var lexer = Lexer(file: file)
        try lexer.run()
        return lexer.tokens
    }

    private func error(_ message: String, _ start: Int, _ end: Int? = nil) -> Diagnostic {
        Diagnostic(message, at: SourceRange(file: file, start: start, end: end ?? start + 1))
    }

    private mutating func run() throws(Diagnostic) {
        // About one token for every three characters of typical code: growing the array
        // by doubling would copy it again and again on a large file.
        tokens.reserveCapacity(s.count / 3 + 16)
        while i < s.count {
            if atLineStart && bracketDepth == 0 {
                try lineStart()
                continue
            }
            let c = s[i]
            switch c {
            case " ", "\t", "\r", "\u{0C}":
                i += 1
            case "#":
                while i < s.count, s[i] != "\n" { i += 1 }
            case "\\":
                guard i + 1 < s.count, s[i + 1] == "\n" || (s[i + 1] == "\r" && i + 2 < s.count && s[i + 2] == "\n") else {
                    throw error("unexpected character '\\' (a line continuation must end the line)", i)
                }
                i += s[i + 1] == "\n" ? 2 : 3
            case "\n":
                if bracketDepth == 0 { tokens.append(Token(kind: .newline, start: i, end: i + 1)); atLineStart = true }
                i += 1
            case "'", "\"":
                try string()
            case "0"..."9":
                try number()
            case ".":
                if i + 1 < s.count, ("0"..."9").contains(s[i + 1]) { try number() } else { try operatorOrError() }
            default:
                if Self.startsIdentifier(c) {
                    identifier()
                } else {
                    try operatorOrError()
                }
            }
        }
        if let last = tokens.last, last.kind != .newline, !(last.kind == .dedent) {
            tokens.append(Token(kind: .newline, start: s.count, end: s.count))
        }
        if bracketDepth > 0, let open = openBrackets.last {
            throw error("'\(s[open])' was never closed", open)
        }
        while indents.count > 1 {
            indents.removeLast()
            tokens.append(Token(kind: .dedent, start: s.count, end: s.count))
        }
        tokens.append(Token(kind: .eof, start: s.count, end: s.count))
    }

    private var openBrackets: [Int] = []

    /// Measures indentation at the start of a logical line and emits INDENT / DEDENT.
    private mutating func lineStart() throws(Diagnostic) {
        var column = 0
        let start = i
        while i < s.count, s[i] == " " || s[i] == "\t" || s[i] == "\u{0C}" {
            column = s[i] == "\t" ? (column / 8 + 1) * 8 : column + 1
            i += 1
        }
        // Blank and comment-only lines do not count.
        if i >= s.count { atLineStart = false; return }
        if s[i] == "\n" || s[i] == "#" || s[i] == "\r" {
            while i < s.count, s[i] != "\n" { i += 1 }
            i += 1
            return
        }
        atLineStart = false
        if column > indents.last! {
            // The parser decides whether an indented block may start here.
            indents.append(column)
            tokens.append(Token(kind: .indent, start: start, end: i))
        } else {
            while column < indents.last! {
                indents.removeLast()
                tokens.append(Token(kind: .dedent, start: i, end: i))
            }
            if column != indents.last! {
                throw error("unindent does not match any outer indentation level", i)
            }
        }
    }

    /// A letter (ASCII checked first: the Unicode property lookup is slow) or `_`.
    @inline(__always)
    private static func startsIdentifier(_ c: Unicode.Scalar) -> Bool {
        if c.isASCII { return ("a"..."z").contains(c) || ("A"..."Z").contains(c) || c == "_" }
        return c.properties.isAlphabetic
    }

    /// The text of scalars `start..<end`, built without an intermediate view when it is ASCII.
    private func text(_ start: Int, _ end: Int) -> String {
        guard s[start..<end].allSatisfy(\.isASCII) else { return String(String.UnicodeScalarView(s[start..<end])) }
        return String(unsafeUninitializedCapacity: end - start) { buffer in
            for k in 0..<(end - start) { buffer[k] = UInt8(truncatingIfNeeded: s[start + k].value) }
            return end - start
        }
    }

    private mutating func identifier() {
        let start = i
        while i < s.count, Self.startsIdentifier(s[i]) || ("0"..."9").contains(s[i]) { i += 1 }
        let text = text(start, i)
        tokens.append(Token(kind: keywords.contains(text) ? .keyword(text) : .name(text), start: start, end: i))
    }

    private mutating func number() throws(Diagnostic) {
        let start = i
        var isFloat = false
        func digits() { while i < s.count, ("0"..."9").contains(s[i]) || s[i] == "_" { i += 1 } }
        digits()
        if i < s.count, s[i] == "." { isFloat = true; i += 1; digits() }
        if i < s.count, s[i] == "e" || s[i] == "E" {
            var j = i + 1
            if j < s.count, s[j] == "+" || s[j] == "-" { j += 1 }
            if j < s.count, ("0"..."9").contains(s[j]) { isFloat = true; i = j; digits() }
        }
        if i < s.count, Self.startsIdentifier(s[i]) {
            throw error("invalid number literal", start, i + 1)
        }
        let text = text(start, i).replacingUnderscores()
        if isFloat {
            guard let v = Double(text) else { throw error("invalid number literal '\(text)'", start, i) }
            tokens.append(Token(kind: .float(v), start: start, end: i))
        } else {
            if text.count > 1, text.hasPrefix("0"), text.contains(where: { $0 != "0" }) {
                throw error("leading zeros are not allowed in a number ('\(text)')", start, i)
            }
            guard let v = Int(text) else { throw error("integer literal '\(text)' is too large", start, i) }
            tokens.append(Token(kind: .int(v), start: start, end: i))
        }
    }

    private mutating func string() throws(Diagnostic) {
        let start = i
        let quote = s[i]
        let triple = i + 2 < s.count && s[i + 1] == quote && s[i + 2] == quote
        i += triple ? 3 : 1
        var value = String.UnicodeScalarView()
        while true {
            guard i < s.count else { throw error("string is never closed", start) }
            let c = s[i]
            if c == quote {
                if !triple { i += 1; break }
                if i + 2 < s.count, s[i + 1] == quote, s[i + 2] == quote { i += 3; break }
            }
            if c == "\n", !triple { throw error("string is never closed on its line", start) }
            if c == "\\", i + 1 < s.count {
                let n = s[i + 1]
                i += 2
                switch n {
                case "n": value.append("\n")
                case "t": value.append("\t")
                case "\\": value.append("\\")
                case "'": value.append("'")
                case "\"": value.append("\"")
                case "\n": break
                default: value.append("\\"); value.append(n)
                }
                continue
            }
            value.append(c)
            i += 1
        }
        tokens.append(Token(kind: .string(String(value)), start: start, end: i))
    }

    private static let operators: [String] = [
        "<<", ">>", "**=", "//=", "...", "->", "**", "//", "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=", "%=",
        "(", ")", "[", "]", "{", "}", ",", ":", ".", ";", "+", "-", "*", "/", "%", "<", ">", "=", "@",
    ]

    /// `operators` as scalars, longest first, made once: matching allocates nothing.
    private static let operatorScalars: [(text: String, scalars: [Unicode.Scalar])] = operators.map { ($0, Array($0.unicodeScalars)) }

    private mutating func operatorOrError() throws(Diagnostic) {
        for (candidate, scalars) in Self.operatorScalars {
            if i + scalars.count <= s.count, scalars.indices.allSatisfy({ s[i + $0] == scalars[$0] }) {
                if candidate == "<<" || candidate == ">>" {
                    throw error("'\(candidate)' is not supported: bitwise operators are not part of the graph language", i, i + 2)
                }
                switch candidate {
                case "(", "[", "{": bracketDepth += 1; openBrackets.append(i)
                case ")", "]", "}":
                    guard bracketDepth > 0 else { throw error("unmatched '\(candidate)'", i) }
                    bracketDepth -= 1; openBrackets.removeLast()
                default: break
                }
                tokens.append(Token(kind: .op(candidate), start: i, end: i + scalars.count))
                i += scalars.count
                return
            }
        }
        if ["&", "|", "^", "~"].contains(s[i]) {
            throw error("'\(s[i])' is not supported: bitwise operators are not part of the graph language", i)
        }
        throw error("unexpected character '\(s[i])'", i)
    }
}

private extension String {
    func replacingUnderscores() -> String { contains(where: { $0 == "_" }) ? String(filter { $0 != "_" }) : self }
}
