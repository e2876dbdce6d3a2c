/// A problem with a file the user gave: names the file and what in it is wrong.
public struct FileFormatError: Error, Sendable, CustomStringConvertible, Equatable {
    public let path: String
    public let problems: [String]

    public init(_ path: String, _ problems: [String]) {
        self.path = path
        self.problems = problems
    }

    public init(_ path: String, _ problem: String) { self.init(path, [problem]) }

    public var description: String {
        if problems.count == 1 { return "\(path): \(problems[0])" }
        return "\(path):\n" + problems.map { "  " + $0 }.joined(separator: "\n")
    }
}
