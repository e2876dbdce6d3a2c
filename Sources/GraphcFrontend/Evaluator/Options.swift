/// What the command line gives the evaluation of a graph file.
public struct EvaluationOptions: Sendable {
    /// `-D name=value` definitions, in command-line order; `flag(name, default)` reads them.
    public var definitions: [(name: String, value: String)] = []
    /// Fills the unknown (None) batch dimension of placeholders.
    public var batch: Int?
    /// `--input NAME=D0,D1,...`: replaces a placeholder's shape (-1 or ? for unknown).
    public var inputShapes: [(name: String, dims: [Int?])] = []
    /// `--input NAME=x.npy`: the shape of the data fed to a placeholder; it must agree with the
    /// placeholder's known dimensions and fills its unknown ones.
    public var inputData: [(name: String, path: String, dims: [Int])] = []
    /// Extra folders searched by `import`, after the importing file's folder.
    public var searchPaths: [String] = []
    /// Where `print` writes; defaults to standard output.
    public var printSink: (@Sendable (String) -> Void)?

    public init() {}
}
