/// Inference batch norm over the last axis: y = (x - mean) / sqrt(var + eps) * gamma + beta.
///
/// inputs: x, gamma (if hasScale), beta (if hasOffset), moving_mean, moving_variance. The
/// compiler lowers it to a `ScaleShift` with `scaleAndShift` before any pass or kernel sees it.
public struct BatchNormOp: OpSchema {
    public let epsilon: Float
    public let hasScale: Bool
    public let hasOffset: Bool

    public var typeName: String { "FusedBatchNormV3" }
    public var inputRoles: [InputRole] { [.data] + (hasScale ? [.gamma] : []) + (hasOffset ? [.beta] : []) + [.mean, .variance] }
    public var isElementwise: Bool { true }
    public var attributes: [String] { ["epsilon=\(IRPrinter.formatFloat(epsilon))", "scale=\(hasScale)", "center=\(hasOffset)"] }

    public func inferShape(_ inputs: [TensorShape]) throws(ShapeError) -> TensorShape {
        let x = inputs[0]
        guard x.rank >= 2 else { throw ShapeError("batch_norm needs an input of rank >= 2, got \(x)") }
        try ShapeRules.expectPerChannel(Array(inputs.dropFirst()), of: x, "a batch_norm parameter")
        return x
    }

    /// The per-channel affine map the batch norm is, in double precision:
    ///
    ///     scale = gamma / sqrt(var + eps)
    ///     shift = beta - mean * scale
    ///
    /// Missing gamma is 1, missing beta 0. The one place this formula is written.
    public static func scaleAndShift(gamma: [Float]?, beta: [Float]?, mean: [Float], variance: [Float], epsilon: Float) -> (scale: [Double], shift: [Double]) {
        let scale = mean.indices.map { Double(gamma?[$0] ?? 1) / (Double(variance[$0]) + Double(epsilon)).squareRoot() }
        let shift = mean.indices.map { Double(beta?[$0] ?? 0) - Double(mean[$0]) * scale[$0] }
        return (scale, shift)
    }
}

/// y = activation(x * scale + shift) per channel (last axis); inputs: x, scale [C], shift [C].
/// What a batch norm is lowered to; folding moves it into the convolution before it.
public struct ScaleShiftOp: OpSchema {
    public let activation: Activation?

    public var typeName: String { "ScaleShift" }
    public var inputRoles: [InputRole] { [.data, .scale, .shift] }
    public var isElementwise: Bool { true }
    public var attributes: [String] { activation.map { ["activation=\($0.name)"] } ?? [] }

    public func inferShape(_ inputs: [TensorShape]) throws(ShapeError) -> TensorShape {
        let x = inputs[0]
        guard x.rank >= 1 else { throw ShapeError("scale_shift needs an input of rank >= 1, got \(x)") }
        try ShapeRules.expectPerChannel(Array(inputs.dropFirst()), of: x, "a scale or shift")
        return x
    }
}
