import GraphcIR

/// One prepared node: a kernel call with its pointers and geometry worked out, so running it
/// allocates nothing and looks nothing up.
typealias Step = () -> Void

/// What a kernel entry reads to prepare a node's step: the node, the concrete shapes, the
/// bound memory and the plan's scratch for it.
struct StepContext {
    let node: Node
    let shapes: [[Int]]
    let pointers: [UnsafeMutablePointer<Float>]
    /// The node's scratch area, when the plan gives it one.
    let scratch: UnsafeMutablePointer<Float>?
    let scratchElements: Int
    let threads: Int

    var output: UnsafeMutablePointer<Float> { pointers[node.id] }
    var outputShape: [Int] { shapes[node.id] }
    var outputCount: Int { shapes[node.id].reduce(1, *) }
    /// The size of the last axis of the output (its channels).
    var channels: Int { shapes[node.id].last ?? 1 }

    func input(_ i: Int) -> UnsafePointer<Float> { UnsafePointer(pointers[node.inputs[i]]) }
    func inputShape(_ i: Int) -> [Int] { shapes[node.inputs[i]] }

    /// The input playing `role`, if the op has one.
    func input(_ role: InputRole) -> UnsafePointer<Float>? { node.input(role).map { UnsafePointer(pointers[$0]) } }

    /// The fused bias, residual and activation, resolved to pointers.
    var epilogue: EpiloguePointers {
        EpiloguePointers(bias: input(.bias), residual: input(.residual), activation: node.op.epilogue?.activation)
    }
}

/// How a node is prepared for the fast or the reference kernels: nil when nothing runs (a view).
typealias KernelEntry = (StepContext) throws(RuntimeError) -> Step?
