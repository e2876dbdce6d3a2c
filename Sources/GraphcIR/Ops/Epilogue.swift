/// What a fused convolution or matrix product does after its products, in this order: add a
/// per-channel bias, add a residual (shortcut) tensor of the output's shape, apply an
/// activation. ONNX Runtime's Conv+Add+Relu; the optional inputs follow the weights.
public struct Epilogue: Hashable, Sendable, Codable {
    public var bias: Bool
    public var residual: Bool
    public var activation: Activation?

    public init(bias: Bool = false, residual: Bool = false, activation: Activation? = nil) {
        self.bias = bias
        self.residual = residual
        self.activation = activation
    }

    public static let none = Epilogue()

    public var isEmpty: Bool { self == .none }

    /// The roles of the inputs the epilogue adds after (x, weights).
    public var inputRoles: [InputRole] { (bias ? [.bias] : []) + (residual ? [.residual] : []) }

    /// `bias`, `residual`, `activation=relu`, as `graphc dump` prints them.
    public var attributes: [String] {
        var r: [String] = []
        if bias { r.append("bias") }
        if residual { r.append("residual") }
        if let activation { r.append("activation=\(activation.name)") }
        return r
    }

    /// A fused epilogue's bias is [C] and its residual has the output's shape.
    func check(output y: TensorShape, extra: [TensorShape]) throws(ShapeError) {
        var rest = extra[...]
        if bias, let b = rest.popFirst() {
            try ShapeRules.expectRank(b, 1, "a fused bias")
            if let c = y.dims.last!, let bc = b[0], c != bc { throw ShapeError("channel mismatch: the output \(y) has \(c) channels but the fused bias has \(bc)") }
        }
        if residual, let r = rest.popFirst() {
            guard r.rank == y.rank, zip(r.dims, y.dims).allSatisfy({ $0 == nil || $1 == nil || $0 == $1 }) else {
                throw ShapeError("a fused residual must have the output's shape \(y), got \(r)")
            }
        }
    }
}

extension Op {
    /// The epilogue of an op that can carry one: a convolution or matrix product (bias,
    /// residual, activation) or a scale-shift (an activation only). Nil for other ops.
    public var epilogue: Epilogue? {
        switch self {
        case let .conv2d(a): return a.epilogue
        case let .conv2dTranspose(a): return a.epilogue
        case let .matMul(e): return e
        case let .scaleShift(a): return Epilogue(activation: a)
        default: return nil
        }
    }

    /// Whether this op can take on a bias and a residual in its epilogue, not only an activation.
    public var acceptsBiasAndResidual: Bool {
        switch self {
        case .conv2d, .conv2dTranspose, .matMul: return true
        default: return false
        }
    }

    /// The same op with another epilogue (which it must be able to carry).
    public func with(epilogue e: Epilogue) -> Op {
        switch self {
        case var .conv2d(a):
            a.epilogue = e
            return .conv2d(a)
        case var .conv2dTranspose(a):
            a.epilogue = e
            return .conv2dTranspose(a)
        case .matMul: return .matMul(e)
        case .scaleShift:
            precondition(!e.bias && !e.residual, "a scale-shift carries only an activation")
            return .scaleShift(e.activation)
        default: preconditionFailure("\(typeName) has no epilogue")
        }
    }
}
