/// The kinds of node in a graph, with their attributes. What each kind is (its inputs, shape
/// rule, printed form, cost, memory behaviour) is its `schema`; code that needs a fact
/// about an op asks that instead of switching on the case.
public enum Op: Hashable, Sendable, Codable {
    /// A graph input fed at run time.
    case placeholder
    /// A trained parameter, named by its slim checkpoint name (the node's name).
    case variable
    /// A small constant (scalars and short vectors written in the graph file).
    case constant([Float])
    case conv2d(Conv2DAttributes)
    /// Transposed convolution (`conv2d_transpose`), weights `[kh, kw, Cout, Cin]`.
    case conv2dTranspose(Conv2DTransposeAttributes)
    case biasAdd
    /// Inference batch norm; the compiler lowers it to `scaleShift` before anything runs.
    case batchNorm(epsilon: Float, hasScale: Bool, hasOffset: Bool)
    /// relu, relu6, sigmoid, tanh, ... on every element.
    case activation(Activation)
    /// Softmax over the last axis.
    case softmax
    case maxPool(PoolAttributes)
    case avgPool(PoolAttributes)
    /// Mean over axes (non-negative, sorted).
    case mean(axes: [Int], keepDims: Bool)
    /// slim's fully_connected: contracts the last axis of x with [K, M] weights.
    case matMul(Epilogue)
    /// y = activation(x * scale + shift) per channel: what a batch norm is lowered to.
    case scaleShift(Activation?)
    /// Elementwise with NumPy broadcasting.
    case binary(BinaryArithmetic)
    case concat(axis: Int)
    /// Zero padding; one (before, after) pair per axis.
    case pad([[Int]])
    /// Removes the listed size-1 axes (always explicit; the language picks the dimensions known
    /// to be 1 when no axis is given).
    case squeeze(axes: [Int])
    /// Target shape; -1 is inferred, nil is carried over from an unknown batch.
    case reshape([Int?])
    /// Output axis i is input axis perm[i].
    case transpose([Int])
    /// `x[b:e:s, ...]` (TF's StridedSlice).
    case slice(SliceAttributes)
    /// Sum, max or min over axes.
    case reduce(ReduceAttributes)
    /// Layer, group or instance normalization with per-channel gamma and beta.
    case normalization(NormalizationAttributes)
    /// REFLECT or SYMMETRIC padding.
    case mirrorPad(MirrorPadAttributes)
    /// Bilinear or nearest resizing of NHWC images.
    case resize(ResizeAttributes)

    /// The one place an op kind is mapped to what describes it.
    public var schema: any OpSchema {
        switch self {
        case .placeholder: return SourceOp(typeName: "Placeholder")
        case .variable: return SourceOp(typeName: "VariableV2")
        case let .constant(values): return ConstantOp(values: values)
        case let .conv2d(a): return a
        case let .conv2dTranspose(a): return a
        case .biasAdd: return BiasAddOp()
        case let .batchNorm(epsilon, hasScale, hasOffset): return BatchNormOp(epsilon: epsilon, hasScale: hasScale, hasOffset: hasOffset)
        case let .activation(a): return a
        case .softmax: return SoftmaxOp()
        case let .maxPool(a): return PoolOp(kind: .max, attributes: a)
        case let .avgPool(a): return PoolOp(kind: .average, attributes: a)
        case let .mean(axes, keepDims): return MeanOp(axes: axes, keepDims: keepDims)
        case let .matMul(e): return MatMulOp(epilogue: e)
        case let .scaleShift(a): return ScaleShiftOp(activation: a)
        case let .binary(b): return b
        case let .concat(axis): return ConcatOp(axis: axis)
        case let .pad(p): return PadOp(paddings: p)
        case let .squeeze(axes): return SqueezeOp(axes: axes)
        case let .reshape(shape): return ReshapeOp(shape: shape)
        case let .resize(a): return a
        case let .transpose(perm): return TransposeOp(permutation: perm)
        case let .slice(a): return a
        case let .reduce(a): return a
        case let .normalization(a): return a
        case let .mirrorPad(a): return a
        }
    }

    /// The TensorFlow op type shown in dumps and tables.
    public var typeName: String { schema.typeName }

    /// Whether this node holds data rather than computing it.
    public var isSource: Bool {
        switch self {
        case .placeholder, .variable, .constant: return true
        default: return false
        }
    }

    // Shorthands for the common activations and binary ops; they work in `switch` and `==`.
    public static var relu: Op { .activation(.relu) }
    public static var relu6: Op { .activation(.relu6) }
    public static var sigmoid: Op { .activation(.sigmoid) }
    public static var tanh: Op { .activation(.tanh) }
    public static var add: Op { .binary(.add) }
    public static var mul: Op { .binary(.mul) }
}

extension Node {
    /// The input that plays `role` for this node's op, if it has one.
    public func input(_ role: InputRole) -> NodeID? {
        guard let i = op.schema.inputRoles.firstIndex(of: role), i < inputs.count else { return nil }
        return inputs[i]
    }
}
