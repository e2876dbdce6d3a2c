import GraphcIR

/// What passes rewrite: a graph and the values of its variables (folding reads and adds them).
public struct Program {
    public var graph: Graph
    public var weights: WeightStore
    /// Double-precision values of variables a lowering computed (a batch norm's scale and
    /// shift, stored as float32 in `weights`), so a later fold rounds only once.
    public var exactValues: [String: [Double]] = [:]

    public init(graph: Graph, weights: WeightStore) {
        self.graph = graph
        self.weights = weights
    }
}

/// A rewrite of a program, registered in `Pipeline.passes` under its printed name.
public struct Pass: Sendable {
    /// A verb phrase, also the name `--disable-pass` and `dump --after` take: `FoldBatchNorm`.
    public let name: String
    /// One line: what it rewrites.
    public let summary: String
    let body: @Sendable (inout Program) throws -> Void

    public init(name: String, summary: String, _ body: @escaping @Sendable (inout Program) throws -> Void) {
        self.name = name
        self.summary = summary
        self.body = body
    }

    public func run(_ program: inout Program) throws { try body(&program) }
}
