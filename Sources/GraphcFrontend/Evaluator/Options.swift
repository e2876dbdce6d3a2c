/// What the command line gives the evaluation of a graph file.
public struct EvaluationOptions: Sendable {
    /// `-D name=value` definitions, in command-line order; `flag(name, default)` reads them.
    public var definitions: [(name: String, value: String)] = []
    /// Fills the unknown (None) batch dimension of placeholders.
    public var batch: Int?
    /// Replaces a placeholder's declared shape (nil for unknown). `origin` is how the caller
    /// names this request in messages (the command line: `--input x=1,224,224,3`).
    public var inputShapes: [(name: String, dims: [Int?], origin: String)] = []
    /// The shape of the data a placeholder will be fed; it must agree with the placeholder's
    /// known dimensions and fills its unknown ones. A nil name feeds the graph's only
    /// placeholder (an error when it has several). `origin` names it in messages.
    public var inputData: [(name: String?, dims: [Int], origin: String)] = []
    /// Extra folders searched by `import`, after the importing file's folder.
    public var searchPaths: [String] = []
    /// The most steps (statements executed and calls made) evaluation may take, so a runaway
    /// file (exponential recursion, say) ends in an error instead of running forever.
    public var maxSteps = EvaluationOptions.defaultMaxSteps
    /// ResNet-200 takes under 5,000 steps; a runaway reaches this in about 2 s (release).
    public static let defaultMaxSteps = 3_000_000
    /// How the caller says the limit can be raised, appended to the error (the command line:
    /// "raise it with --max-steps").
    public var maxStepsHint: String?
    /// The stack of the thread evaluation runs on: room for the language's deepest legal
    /// nesting (200 calls, 100 levels of expressions) in a debug build.
    public var stackBytes = 512 << 20
    /// Evaluate on the calling thread instead (its stack must then be large enough: a fuzzer
    /// raises the main thread's limit), saving a thread per evaluation.
    public var usesCallingThread = false
    /// Where `print` writes; defaults to standard output.
    public var printSink: (@Sendable (String) -> Void)?

    public init() {}

    /// Options whose `print`s go nowhere: evaluation for the graph alone.
    public static var quiet: EvaluationOptions {
        var o = EvaluationOptions()
        o.printSink = { _ in }
        return o
    }
}
