/// x + bias over the last axis; inputs: x `[..., C]`, bias `[C]`.
public struct BiasAddOp: OpSchema {
    public var typeName: String { "BiasAdd" }
    public var inputRoles: [InputRole] { [.data, .bias] }
    public var isElementwise: Bool { true }

    public func inferShape(_ inputs: [TensorShape]) throws(ShapeError) -> TensorShape {
        let x = inputs[0], b = inputs[1]
        try ShapeRules.expectRank(b, 1, "a bias")
        guard x.rank >= 1 else { throw ShapeError("bias_add needs an input of rank >= 1, got \(x)") }
        if let c = x.dims.last!, let bc = b[0], c != bc {
            throw ShapeError("channel mismatch: the input \(x) has \(c) channels but the bias has \(bc)")
        }
        return x
    }
}

/// A binary elementwise op with NumPy broadcasting; inputs: a, b.
public enum BinaryArithmetic: String, Hashable, Sendable, Codable {
    case add, mul, sub, div, max, min

    /// a op b in float32 (max and min: NaN wins, as in TF and ONNX Runtime).
    @inline(__always)
    public func callAsFunction(_ a: Float, _ b: Float) -> Float {
        switch self {
        case .add: return a + b
        case .mul: return a * b
        case .sub: return a - b
        case .div: return a / b
        case .max: return a.isNaN || b.isNaN ? .nan : Swift.max(a, b)
        case .min: return a.isNaN || b.isNaN ? .nan : Swift.min(a, b)
        }
    }

    /// The verb of shape errors: "cannot subtract (2, 3) and (4,)".
    var verb: String {
        switch self {
        case .add: return "add"
        case .mul: return "multiply"
        case .sub: return "subtract"
        case .div: return "divide"
        case .max: return "take the maximum of"
        case .min: return "take the minimum of"
        }
    }
}

extension BinaryArithmetic: OpSchema {
    public var typeName: String {
        switch self {
        case .add: return "Add"
        case .mul: return "Mul"
        case .sub: return "Sub"
        case .div: return "RealDiv"
        case .max: return "Maximum"
        case .min: return "Minimum"
        }
    }

    public var inputRoles: [InputRole] { [.data, .other] }
    public var isElementwise: Bool { true }
    /// Either operand of the output's size; the second first (in a residual add, the shortcut).
    public var inPlaceInputs: [Int] { [1, 0] }

    public func inferShape(_ inputs: [TensorShape]) throws(ShapeError) -> TensorShape {
        try ShapeRules.broadcast(inputs[0], inputs[1], verb: verb)
    }
}

/// Softmax over the last axis; input x, output of its shape.
public struct SoftmaxOp: OpSchema {
    public var typeName: String { "Softmax" }
    public var inputRoles: [InputRole] { [.data] }
    /// Reads a whole row before writing it, so it may overwrite its input.
    public var inPlaceInputs: [Int] { [0] }

    public func inferShape(_ inputs: [TensorShape]) throws(ShapeError) -> TensorShape {
        guard inputs[0].rank >= 1 else { throw ShapeError("softmax needs an input of rank >= 1") }
        return inputs[0]
    }
}

/// A constant written in the graph file; its values print with it.
public struct ConstantOp: OpSchema {
    public let values: [Float]
    public var typeName: String { "Const" }
    public var inputRoles: [InputRole] { [] }
    public var attributes: [String] { ["value=[" + values.map { IRPrinter.formatFloat($0) }.joined(separator: ", ") + "]"] }
    public func inferShape(_ inputs: [TensorShape]) throws(ShapeError) -> TensorShape {
        throw ShapeError("Const has no shape rule: its shape is given when it is made")
    }
}
