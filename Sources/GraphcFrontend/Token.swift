import GraphcDiagnostics

/// A lexical token of a graph file.
enum TokenKind: Equatable {
    case name(String)
    case keyword(String)
    case int(Int)
    case float(Double)
    case string(String)
    /// Operators and punctuation: `(`, `**=`, `->`, ...
    case op(String)
    case newline, indent, dedent, eof
}

struct Token {
    let kind: TokenKind
    /// Scalar offsets of the token in its file.
    let start: Int
    let end: Int
}

let keywords: Set<String> = [
    "def", "return", "if", "elif", "else", "for", "in", "while", "with", "as", "pass", "break",
    "continue", "and", "or", "not", "is", "None", "True", "False", "import", "from", "assert", "lambda",
    "class", "global", "nonlocal", "yield", "try", "except", "finally", "raise", "del",
]

extension TokenKind {
    /// How the token reads in a message: `'('`, `name 'x'`, `end of line`.
    var spelled: String {
        switch self {
        case .name(let s): return "name '\(s)'"
        case .keyword(let s): return "'\(s)'"
        case .int(let v): return "number \(v)"
        case .float(let v): return "number \(v)"
        case .string: return "string"
        case .op(let s): return "'\(s)'"
        case .newline: return "end of line"
        case .indent: return "indented block"
        case .dedent: return "end of block"
        case .eof: return "end of file"
        }
    }
}
