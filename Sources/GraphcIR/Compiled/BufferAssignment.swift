/// Where every value and scratch area sits in the arena: what the runtime needs from a memory
/// plan, and what a compiled .gplan stores.
public struct BufferAssignment: Sendable, Codable, Equatable {
    /// Scratch memory one node's kernel uses while it runs (a convolution's im2col tiles or Winograd transforms).
    public struct ScratchArea: Sendable, Codable, Equatable {
        public var node: NodeID
        public var offset: Int
        public var elements: Int

        public init(node: NodeID, offset: Int, elements: Int) {
            self.node = node
            self.offset = offset
            self.elements = elements
        }
    }

    /// Byte offset of each node's value (nil for variables and constants).
    public var valueOffset: [Int?]
    public var scratch: [ScratchArea]
    public var arenaBytes: Int
    /// Whether ops may write their output over an input (elementwise ops, residual epilogues):
    /// which values share a buffer depends on it, and the reference kernels need it off.
    public var inPlace: Bool

    public init(valueOffset: [Int?], scratch: [ScratchArea], arenaBytes: Int, inPlace: Bool) {
        self.valueOffset = valueOffset
        self.scratch = scratch
        self.arenaBytes = arenaBytes
        self.inPlace = inPlace
    }

    public func scratchArea(for node: NodeID) -> ScratchArea? { scratch.first { $0.node == node } }

    /// Offsets and sizes are multiples of this, so every buffer is 64-byte (cache line and
    /// AVX-512) aligned.
    public static let alignment = 64
}

/// The figures a memory report shows for a plan.
public struct MemoryFigures: Sendable, Equatable {
    /// The strategy that placed the buffers (`greedyBySize`...), or "stored" for a loaded plan.
    public var strategy: String
    /// Every intermediate in its own buffer, no scratch.
    public var naiveBytes: Int
    /// The most bytes live at one step: no arena can be smaller.
    public var lowerBoundBytes: Int
    /// The node at the step where the lower bound is reached.
    public var peakNode: NodeID?
    public var arenaBytes: Int
    /// The largest scratch area (inside the arena).
    public var scratchBytes: Int

    public init(strategy: String, naiveBytes: Int, lowerBoundBytes: Int, peakNode: NodeID?, arenaBytes: Int, scratchBytes: Int) {
        self.strategy = strategy
        self.naiveBytes = naiveBytes
        self.lowerBoundBytes = lowerBoundBytes
        self.peakNode = peakNode
        self.arenaBytes = arenaBytes
        self.scratchBytes = scratchBytes
    }
}
