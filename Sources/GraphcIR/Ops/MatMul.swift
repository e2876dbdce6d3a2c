/// slim's fully_connected: contracts the last axis of x `[..., K]` with weights `[K, M]`.
///
/// inputs: x, weights, then bias `[M]` and residual `[..., M]` when the epilogue has them.
/// Each output element costs K multiply-adds.
public struct MatMulOp: OpSchema {
    public let epilogue: Epilogue

    public var typeName: String { "MatMul" }
    public var inputRoles: [InputRole] { [.data, .weights] + epilogue.inputRoles }
    public var inPlaceInputs: [Int] { epilogue.residual ? [inputRoles.count - 1] : [] }
    public var attributes: [String] { epilogue.attributes }

    public func multiplyAdds(inputs: [TensorShape], output: TensorShape) -> Int {
        ShapeRules.saturatingMul(output.elementCountPerUnknown, inputs[1][0] ?? 0)
    }

    public func inferShape(_ inputs: [TensorShape]) throws(ShapeError) -> TensorShape {
        let x = inputs[0], w = inputs[1]
        guard x.rank >= 2 else { throw ShapeError("fully_connected needs an input of rank >= 2, got \(x)") }
        try ShapeRules.expectRank(w, 2, "fully_connected weights")
        if let k = x.dims.last!, let wk = w[0], k != wk {
            throw ShapeError("channel mismatch: the input \(x) has \(k) features but the weights \(w) expect \(wk)")
        }
        let y = TensorShape(Array(x.dims.dropLast()) + [w[1]])
        try epilogue.check(output: y, extra: Array(inputs.dropFirst(2)))
        return y
    }
}
