import Foundation

/// A function applied to every element: an op of its own (`Relu`) or the last step of a fused
/// convolution, matrix product or scale-shift. The one activation type of graphc; its scalar
/// formula here is what constant folding and the kernels' general path compute.
public enum Activation: Hashable, Sendable, Codable {
    /// max(x, 0)
    case relu
    /// min(max(x, 0), 6)
    case relu6
    /// 1 / (1 + e^-x)
    case sigmoid
    /// tanh(x)
    case tanh
    /// x for x > 0, else alpha * x
    case leakyRelu(alpha: Float)
    /// x for x > 0, else alpha * (e^x - 1)
    case elu(alpha: Float)
    /// max(0, min(1, alpha * x + beta)): ONNX and Keras 2 use alpha 0.2, PyTorch and
    /// MobileNetV3 alpha 1/6 (relu6(x + 3) / 6); beta 0.5 in both.
    case hardSigmoid(alpha: Float, beta: Float)
    /// x * relu6(x + 3) / 6 (MobileNetV3)
    case hardSwish
    /// x * sigmoid(x), also called SiLU (EfficientNet)
    case swish
    /// x * Φ(x) with the normal CDF Φ (x * (1 + erf(x / √2)) / 2), or with `tanh` its tanh
    /// approximation 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³)))
    case gelu(tanh: Bool)
    /// -x
    case negative
    /// The error function (how exporters spell GELU: x/2 * (1 + erf(x / √2)))
    case erf

    /// The name in fused epilogues and the DSL (`relu6`).
    public var name: String {
        switch self {
        case .relu: return "relu"
        case .relu6: return "relu6"
        case .sigmoid: return "sigmoid"
        case .tanh: return "tanh"
        case let .leakyRelu(alpha): return "leaky_relu(alpha=\(IRPrinter.formatFloat(alpha)))"
        case let .elu(alpha): return alpha == 1 ? "elu" : "elu(alpha=\(IRPrinter.formatFloat(alpha)))"
        case let .hardSigmoid(alpha, beta): return "hard_sigmoid(alpha=\(IRPrinter.formatFloat(alpha)), beta=\(IRPrinter.formatFloat(beta)))"
        case .hardSwish: return "hard_swish"
        case .swish: return "swish"
        case let .gelu(tanh): return tanh ? "gelu(approximate=True)" : "gelu"
        case .negative: return "negative"
        case .erf: return "erf"
        }
    }

    /// f(x) in float32. Inlinable, so a kernel's loop over it compiles to the formula itself.
    @inlinable
    public func callAsFunction(_ x: Float) -> Float {
        switch self {
        case .relu: return Swift.max(x, 0)
        case .relu6: return Swift.min(Swift.max(x, 0), 6)
        case .sigmoid: return 1 / (1 + expf(-x))
        case .tanh: return tanhf(x)
        case let .leakyRelu(alpha): return x > 0 ? x : alpha * x
        case let .elu(alpha): return x > 0 ? x : alpha * (expf(x) - 1)
        case let .hardSigmoid(alpha, beta): return Swift.max(0, Swift.min(1, alpha * x + beta))
        case .hardSwish: return x * Swift.min(Swift.max(x + 3, 0), 6) / 6
        case .swish: return x / (1 + expf(-x))
        case let .gelu(tanh):
            if tanh { return 0.5 * x * (1 + tanhf(0.7978845608 * (x + 0.044715 * x * x * x))) }
            return 0.5 * x * (1 + erff(x * 0.70710678118))
        case .negative: return -x
        case .erf: return erff(x)
        }
    }
}

extension Activation: OpSchema {
    public var typeName: String {
        switch self {
        case .relu: return "Relu"
        case .relu6: return "Relu6"
        case .sigmoid: return "Sigmoid"
        case .tanh: return "Tanh"
        case .leakyRelu: return "LeakyRelu"
        case .elu: return "Elu"
        case .hardSigmoid: return "HardSigmoid"
        case .hardSwish: return "HardSwish"
        case .swish: return "Swish"
        case .gelu: return "Gelu"
        case .negative: return "Neg"
        case .erf: return "Erf"
        }
    }

    public var inputRoles: [InputRole] { [.data] }
    public var isElementwise: Bool { true }
    public func inferShape(_ inputs: [TensorShape]) throws(ShapeError) -> TensorShape { inputs[0] }

    /// Its parameters, as `graphc dump` prints them.
    public var attributes: [String] {
        switch self {
        case .relu, .relu6, .sigmoid, .tanh, .hardSwish, .swish, .negative, .erf: return []
        case let .hardSigmoid(alpha, beta): return ["alpha=\(IRPrinter.formatFloat(alpha))", "beta=\(IRPrinter.formatFloat(beta))"]
        case let .gelu(tanh): return tanh ? ["approximate=tanh"] : []
        case let .leakyRelu(alpha): return ["alpha=\(IRPrinter.formatFloat(alpha))"]
        case let .elu(alpha): return alpha == 1 ? [] : ["alpha=\(IRPrinter.formatFloat(alpha))"]
        }
    }
}
