import GraphcIR
import GraphcPasses

/// What to compile for and how.
public struct CompileOptions: Sendable {
    /// The batch an unknown batch dimension is planned for (1 when nil).
    public var batch: Int?
    /// The shapes of the data each placeholder will be fed, by placeholder name; they fill its
    /// unknown dimensions.
    public var inputShapes: [String: [Int]] = [:]
    /// Which optimizer passes run (the lowerings always do).
    public var pipeline = PipelineOptions()
    /// Let values whose lifetimes do not overlap share memory, and elementwise ops run in
    /// place. Off, every value gets its own buffer (what the reference kernels need).
    public var reuse = true
    /// The caller hands its weight store over: values the compiled model does not read (what
    /// folding replaced) are freed from it, instead of staying alive beside the folded ones.
    public var releasesUnusedWeights = false
    /// The most bytes the weights (while folding) and the arena may take; the machine's memory.
    public var memoryBudget = Int(clamping: MemoryBudget.physicalBytes)

    public init(batch: Int? = nil) { self.batch = batch }
}

/// Why a graph could not be compiled (or a plan not made again): the message says what in the
/// graph is wrong, without naming command-line flags.
public struct CompileError: Error, Sendable, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
