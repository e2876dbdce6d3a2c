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

    /// The name in fused epilogues and the DSL (`relu6`).
    public var name: String {
        switch self {
        case .relu: return "relu"
        case .relu6: return "relu6"
        case .sigmoid: return "sigmoid"
        case .tanh: return "tanh"
        case let .leakyRelu(alpha): return "leaky_relu(alpha=\(IRPrinter.formatFloat(alpha)))"
        case let .elu(alpha): return alpha == 1 ? "elu" : "elu(alpha=\(IRPrinter.formatFloat(alpha)))"
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
        }
    }

    public var inputRoles: [InputRole] { [.data] }
    public var isElementwise: Bool { true }
    public func inferShape(_ inputs: [TensorShape]) throws(ShapeError) -> TensorShape { inputs[0] }

    /// Its parameters, as `graphc dump` prints them.
    public var attributes: [String] {
        switch self {
        case .relu, .relu6, .sigmoid, .tanh: return []
        case let .leakyRelu(alpha): return ["alpha=\(IRPrinter.formatFloat(alpha))"]
        case let .elu(alpha): return alpha == 1 ? [] : ["alpha=\(IRPrinter.formatFloat(alpha))"]
        }
    }
}
