/// A graph file's text with its line table, so locations can be turned into lines and columns.
public final class SourceFile: Sendable {
    /// The path as the user wrote it; diagnostics print it unchanged.
    public let path: String
    public let text: String
    /// The text as Unicode scalars; the lexer indexes into this.
    public let scalars: [Unicode.Scalar]
    /// Offsets (in `scalars`) where each line starts.
    private let lineStarts: [Int]

    public init(path: String, text: String) {
        self.path = path
        self.text = text
        self.scalars = Array(text.unicodeScalars)
        var starts = [0]
        for (i, c) in scalars.enumerated() where c == "\n" { starts.append(i + 1) }
        self.lineStarts = starts
    }

    /// The 1-based line and column of a scalar offset.
    public func lineAndColumn(of offset: Int) -> (line: Int, column: Int) {
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return (lo + 1, offset - lineStarts[lo] + 1)
    }

    /// The text of a 1-based line, without its newline.
    public func line(_ number: Int) -> String {
        guard number >= 1, number <= lineStarts.count else { return "" }
        let start = lineStarts[number - 1]
        var end = number < lineStarts.count ? lineStarts[number] - 1 : scalars.count
        if end > start, end <= scalars.count, scalars[end - 1] == "\r" { end -= 1 }
        var s = String.UnicodeScalarView()
        s.append(contentsOf: scalars[start..<max(start, end)])
        return String(s)
    }
}

/// A position in a source file: where a node, token or diagnostic comes from.
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    public let path: String
    public let line: Int
    public let column: Int

    public init(path: String, line: Int, column: Int) {
        self.path = path
        self.line = line
        self.column = column
    }

    public var description: String { "\(path):\(line):\(column)" }
}

/// A location in a file that is still open: offset plus the file, resolved lazily.
public struct SourceRange: Sendable {
    public let file: SourceFile
    public let start: Int
    public let end: Int

    public init(file: SourceFile, start: Int, end: Int) {
        self.file = file
        self.start = start
        self.end = max(start, end)
    }

    public var location: SourceLocation {
        let (line, column) = file.lineAndColumn(of: start)
        return SourceLocation(path: file.path, line: line, column: column)
    }
}
