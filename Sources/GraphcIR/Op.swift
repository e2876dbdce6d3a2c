/// How a convolution or pooling window treats the border.
public enum Padding: Hashable, Sendable, Codable, CustomStringConvertible {
    /// TensorFlow's rule: output = ceil(input / stride); the total pad is split with the
    /// extra pixel at the bottom/right (asymmetric for even kernels and stride 2).
    case same
    /// No padding: output = floor((input - window) / stride) + 1.
    case valid
    /// PyTorch / Gluon style explicit pads, in pixels.
    case explicit(top: Int, bottom: Int, left: Int, right: Int)

    public var description: String {
        switch self {
        case .same: return "SAME"
        case .valid: return "VALID"
        case let .explicit(t, b, l, r): return "[[\(t), \(b)], [\(l), \(r)]]"
        }
    }
}

/// An activation a fused op applies last.
public enum Activation: String, Hashable, Sendable, Codable {
    case none, relu, relu6
}

/// What a fused convolution or matrix product does after its products, in this order: add a
/// per-channel bias, add a residual (shortcut) tensor of the output's shape, apply an
/// activation. ONNX Runtime's Conv+Add+Relu; the optional inputs follow the weights.
public struct Epilogue: Hashable, Sendable, Codable {
    public var bias: Bool
    public var residual: Bool
    public var activation: Activation

    public init(bias: Bool = false, residual: Bool = false, activation: Activation = .none) {
        self.bias = bias
        self.residual = residual
        self.activation = activation
    }

    public static let none = Epilogue()

    public var isEmpty: Bool { self == .none }
    /// How many inputs the epilogue adds after (x, weights).
    public var extraInputs: Int { (bias ? 1 : 0) + (residual ? 1 : 0) }
}

/// Attributes of a 2-D convolution (weights HWIO: [kh, kw, cin, cout]).
public struct Conv2DAttributes: Hashable, Sendable, Codable {
    public var strideH: Int, strideW: Int
    public var padding: Padding
    public var dilationH: Int, dilationW: Int
    public var epilogue: Epilogue

    public init(strideH: Int, strideW: Int, padding: Padding, dilationH: Int = 1, dilationW: Int = 1, epilogue: Epilogue = .none) {
        self.strideH = strideH; self.strideW = strideW; self.padding = padding
        self.dilationH = dilationH; self.dilationW = dilationW
        self.epilogue = epilogue
    }
}

/// Attributes of max and average pooling.
public struct PoolAttributes: Hashable, Sendable, Codable {
    public var windowH: Int, windowW: Int
    public var strideH: Int, strideW: Int
    public var padding: Padding
    /// PyTorch's ceil_mode: the last window may start inside the input and run past it.
    public var ceilMode: Bool
    /// With explicit padding, whether average pooling divides by the full window (PyTorch's
    /// count_include_pad, default true). SAME average pooling always excludes padding, as TF does.
    public var countIncludePad: Bool

    public init(windowH: Int, windowW: Int, strideH: Int, strideW: Int, padding: Padding,
                ceilMode: Bool = false, countIncludePad: Bool = true) {
        self.windowH = windowH; self.windowW = windowW; self.strideH = strideH; self.strideW = strideW
        self.padding = padding; self.ceilMode = ceilMode; self.countIncludePad = countIncludePad
    }
}

/// The kinds of node in a graph, with their attributes. Inputs are listed per case.
public enum Op: Hashable, Sendable, Codable {
    /// A graph input fed at run time. No inputs.
    case placeholder
    /// A trained parameter, named by its slim checkpoint name (the node's name). No inputs.
    case variable
    /// A small constant (scalars and short vectors written in the graph file). No inputs.
    case constant([Float])
    /// inputs: x [N, H, W, Cin], weights [kh, kw, Cin, Cout], then bias [Cout] and residual
    /// [N, Ho, Wo, Cout] when the epilogue has them.
    case conv2d(Conv2DAttributes)
    /// inputs: x [..., C], bias [C].
    case biasAdd
    /// Inference batch norm: y = (x - mean) / sqrt(var + eps) * gamma + beta.
    /// inputs: x, gamma (if hasScale), beta (if hasOffset), moving_mean, moving_variance.
    case batchNorm(epsilon: Float, hasScale: Bool, hasOffset: Bool)
    case relu, relu6, sigmoid, tanh
    /// Softmax over the last axis.
    case softmax
    case maxPool(PoolAttributes)
    case avgPool(PoolAttributes)
    /// Mean over axes (non-negative, sorted).
    case mean(axes: [Int], keepDims: Bool)
    /// inputs: x [..., K], weights [K, M], then bias / residual per the epilogue; contracts the
    /// last axis of x (slim's fully_connected).
    case matMul(Epilogue)
    /// y = activation(x * scale + shift) per channel (last axis); inputs: x, scale [C], shift [C].
    /// What a batch norm that cannot fold into a convolution becomes.
    case scaleShift(Activation)
    /// Elementwise with NumPy broadcasting.
    case add, mul
    case concat(axis: Int)
    /// Zero padding; one (before, after) pair per axis.
    case pad([[Int]])
    /// Removes the listed size-1 axes (always explicit; the language picks the dimensions known
    /// to be 1 when no axis is given).
    case squeeze(axes: [Int])
    /// Target shape; unknown dimensions are carried over from the input's batch.
    case reshape([Int?])
    /// TF1 `resize_images` bilinear (align_corners=False, no half-pixel centres).
    case resizeBilinear(height: Int, width: Int)

    /// The TensorFlow op type shown in dumps and tables.
    public var typeName: String {
        switch self {
        case .placeholder: return "Placeholder"
        case .variable: return "VariableV2"
        case .constant: return "Const"
        case .conv2d: return "Conv2D"
        case .biasAdd: return "BiasAdd"
        case .batchNorm: return "FusedBatchNormV3"
        case .relu: return "Relu"
        case .relu6: return "Relu6"
        case .sigmoid: return "Sigmoid"
        case .tanh: return "Tanh"
        case .softmax: return "Softmax"
        case .maxPool: return "MaxPool"
        case .avgPool: return "AvgPool"
        case .mean: return "Mean"
        case .matMul: return "MatMul"
        case .scaleShift: return "ScaleShift"
        case .add: return "Add"
        case .mul: return "Mul"
        case .concat: return "ConcatV2"
        case .pad: return "Pad"
        case .squeeze: return "Squeeze"
        case .reshape: return "Reshape"
        case .resizeBilinear: return "ResizeBilinear"
        }
    }

    /// Whether this node holds data rather than computing it.
    public var isSource: Bool {
        switch self {
        case .placeholder, .variable, .constant: return true
        default: return false
        }
    }
}
