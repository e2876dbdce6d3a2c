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

    /// A 1x1 window with stride 1 and no padding: the output is the input.
    public var isIdentity: Bool { windowH == 1 && windowW == 1 && strideH == 1 && strideW == 1 && (padding.isZero || padding == .same) }
}

/// NHWC max or average pooling; input x `[N, H, W, C]`, output `[N, Ho, Wo, C]`.
public struct PoolOp: OpSchema {
    public enum Kind: Sendable { case max, average }
    public let kind: Kind
    public let window: PoolAttributes

    init(kind: Kind, attributes: PoolAttributes) {
        self.kind = kind
        self.window = attributes
    }

    public var typeName: String { kind == .max ? "MaxPool" : "AvgPool" }
    public var inputRoles: [InputRole] { [.data] }

    public var attributes: [String] {
        let a = window
        var r = ["window=[\(a.windowH), \(a.windowW)]", "strides=[\(a.strideH), \(a.strideW)]", "padding=\(a.padding)"]
        if a.ceilMode { r.append("ceil_mode=true") }
        if kind == .average, case .explicit = a.padding { r.append("count_include_pad=\(a.countIncludePad)") }
        return r
    }

    public func inferShape(_ inputs: [TensorShape]) throws(ShapeError) -> TensorShape {
        let a = window, x = inputs[0]
        try ShapeRules.expectRank(x, 4, "the input of pooling")
        if case let .explicit(t, b, l, r) = a.padding, max(t, b) > a.windowH / 2 || max(l, r) > a.windowW / 2 {
            throw ShapeError("pooling padding \(a.padding) must be at most half the \(a.windowH)x\(a.windowW) window (as PyTorch requires), or a window would cover only padding")
        }
        let (pt, pb, pl, pr) = try ShapeRules.explicitPads(a.padding, inputH: x[1], inputW: x[2], windowH: a.windowH, windowW: a.windowW,
                                                           strideH: a.strideH, strideW: a.strideW)
        let h = try ShapeRules.windowOutput(x[1], window: a.windowH, stride: a.strideH, padding: a.padding, before: pt, after: pb,
                                            ceil: a.ceilMode, what: "pooling window", axis: "height")
        let w = try ShapeRules.windowOutput(x[2], window: a.windowW, stride: a.strideW, padding: a.padding, before: pl, after: pr,
                                            ceil: a.ceilMode, what: "pooling window", axis: "width")
        return TensorShape([x[0], h, w, x[3]])
    }
}
