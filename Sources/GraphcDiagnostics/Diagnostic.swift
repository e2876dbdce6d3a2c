/// One message for the user: an error or warning at a place in a graph file, with notes.
public struct Diagnostic: Sendable, Error {
    public enum Severity: String, Sendable { case error, warning, note }

    public struct Note: Sendable {
        public let message: String
        public let range: SourceRange?
        public init(_ message: String, at range: SourceRange?) {
            self.message = message
            self.range = range
        }
    }

    public let severity: Severity
    public let message: String
    /// Nil for errors that have no place in a graph file (a missing file, a bad `-D`).
    public let range: SourceRange?
    public var notes: [Note]

    public init(_ message: String, at range: SourceRange?, severity: Severity = .error, notes: [Note] = []) {
        self.severity = severity
        self.message = message
        self.range = range
        self.notes = notes
    }

    public var location: SourceLocation? { range?.location }

    /// `file:line:col: error: message`, the source line with a caret under the place, then notes.
    public func rendered() -> String {
        var out = Self.renderOne(severity: severity.rawValue, message: message, range: range)
        for note in notes {
            out += Self.renderOne(severity: "note", message: note.message, range: note.range)
        }
        return out
    }

    private static func renderOne(severity: String, message: String, range: SourceRange?) -> String {
        guard let range else { return "graphc: \(severity): \(message)\n" }
        let loc = range.location
        var out = "\(loc): \(severity): \(message)\n"
        let text = range.file.line(loc.line)
        out += text + "\n"
        // Keep tabs so the caret lines up under the same column in a terminal.
        let prefix = text.unicodeScalars.prefix(loc.column - 1).map { $0 == "\t" ? "\t" : " " }.joined()
        let (endLine, endColumn) = range.file.lineAndColumn(of: range.end)
        let width = endLine == loc.line ? max(1, endColumn - loc.column) : 1
        out += prefix + "^" + String(repeating: "~", count: width - 1) + "\n"
        return out
    }
}

/// A failed compilation: the diagnostics that explain why (at least one error).
public struct DiagnosticError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
    public init(_ diagnostic: Diagnostic) { self.diagnostics = [diagnostic] }
    public var description: String { diagnostics.map { $0.rendered() }.joined() }
}
