/// What an input of an op is for. Passes, the printer, the planner and the kernels find an
/// input by its role (`node.input(.bias)`) instead of counting positions themselves.
public enum InputRole: String, Sendable, Hashable, CaseIterable {
    /// The tensor the op computes on (the first input of every computing op).
    case data
    /// Convolution or matrix weights.
    case weights
    /// A per-channel bias added after the products.
    case bias
    /// A tensor of the output's shape added after the bias (a fused residual add).
    case residual
    /// Batch-norm parameters.
    case gamma, beta, mean, variance
    /// A per-channel scale and shift (a lowered batch norm).
    case scale, shift
    /// The second operand of a binary op.
    case other
}

/// Everything graphc knows about one kind of op, in one place: its TF name, what its inputs
/// are, its shape rule, its printed attributes, its cost and how the memory planner may treat
/// it. Each op kind has one type conforming to this (its attributes, when it has any), and
/// `Op.schema` is the only switch that maps an `Op` to it.
///
/// To add an op: a type conforming to `OpSchema` in Sources/GraphcIR/Ops, an `Op` case
/// and its line in `Op.schema` (Docs/Architecture.md lists the rest).
public protocol OpSchema: Sendable {
    /// The TensorFlow op type shown in dumps and tables (`Conv2D`, `Relu`).
    var typeName: String { get }
    /// The role of each input, in order.
    var inputRoles: [InputRole] { get }
    /// Whether any number of `.data` inputs is accepted (concat); `inputRoles` is then the role of each.
    var isVariadic: Bool { get }
    /// The output shape for these input shapes (their count already checked against `inputRoles`).
    func inferShape(_ inputs: [TensorShape]) throws(ShapeError) -> TensorShape
    /// `key=value` strings `graphc dump` prints, in a fixed order.
    var attributes: [String] { get }
    /// Multiply-adds of one execution at these shapes (unknown dimensions counted as 1).
    func multiplyAdds(inputs: [TensorShape], output: TensorShape) -> Int
    /// Whether each output element depends only on the same element of its inputs (and
    /// per-channel parameters): the op can run in place and fuse as an activation or epilogue.
    var isElementwise: Bool { get }
    /// Inputs whose buffer the op may overwrite with its output, in order of preference; the
    /// planner uses one when the op is that buffer's last reader and the sizes match.
    var inPlaceInputs: [Int] { get }
    /// Whether the output is the first input's memory seen with another shape (no kernel runs).
    var isView: Bool { get }
}

extension OpSchema {
    public var isVariadic: Bool { false }
    public var attributes: [String] { [] }
    public func multiplyAdds(inputs: [TensorShape], output: TensorShape) -> Int { 0 }
    public var isElementwise: Bool { false }
    public var inPlaceInputs: [Int] { isElementwise ? [0] : [] }
    public var isView: Bool { false }
}

/// Graph inputs, variables and constants: nodes that hold data rather than compute it. Their
/// shape is given when they are made.
public struct SourceOp: OpSchema {
    public let typeName: String
    public var inputRoles: [InputRole] { [] }
    public func inferShape(_ inputs: [TensorShape]) throws(ShapeError) -> TensorShape {
        throw ShapeError("\(typeName) has no shape rule: its shape is given when it is made")
    }
}
