/// A dense float32 tensor in host memory, row-major (C order): what files are read into and
/// what `graphc run` returns.
public struct HostTensor: Sendable, Equatable {
    public var shape: [Int]
    public var data: [Float]

    public init(shape: [Int], data: [Float]) {
        precondition(shape.reduce(1, *) == data.count, "HostTensor: shape \(shape) does not hold \(data.count) values")
        self.shape = shape
        self.data = data
    }

    public var count: Int { data.count }
}

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
