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

    /// Whether no pixel of padding is ever added (VALID, or explicit zeros).
    public var isZero: Bool {
        switch self {
        case .valid: return true
        case .same: return false
        case let .explicit(t, b, l, r): return t == 0 && b == 0 && l == 0 && r == 0
        }
    }
}

/// A 2-D convolution, NHWC with HWIO weights `[kh, kw, Cin, Cout]`.
///
/// inputs: x `[N, H, W, Cin]`, weights, then bias `[Cout]` and residual `[N, Ho, Wo, Cout]`
/// when the epilogue has them. Output `[N, Ho, Wo, Cout]`; each output element costs
/// kh * kw * Cin multiply-adds.
///
/// Grouped (`groups` > 1): the channels split into `groups` equal groups, weights are
/// `[kh, kw, Cin / groups, Cout]`, and output channel o reads only the input channels of
/// group o / (Cout / groups), as in PyTorch, Keras and ONNX. Depthwise (TF's
/// `DepthwiseConv2dNative`): weights `[kh, kw, Cin, multiplier]`, output channel
/// c * multiplier + m reads input channel c; in memory that is the grouped convolution with
/// `Cin` groups and weights `[kh, kw, 1, Cin * multiplier]`, which is how the kernels run it.
///
/// With an `algorithm` (set by the UseWinograd pass) the weights are that algorithm's
/// transform of 3x3 weights (`[6, 6, Cin, Cout]` for F(4x4, 3x3)); the convolution computed,
/// its output shape and the multiply-adds counted for it are still those of the 3x3 one.
public struct Conv2DAttributes: Hashable, Sendable, Codable {
    public var strideH: Int, strideW: Int
    public var padding: Padding
    public var dilationH: Int, dilationW: Int
    public var epilogue: Epilogue
    /// nil: direct (im2col + GEMM). Optional so plans written before it existed still read.
    public var algorithm: ConvolutionAlgorithm?
    /// nil: HWIO (or U) as declared; else the order the values are stored in (PackWeights).
    public var weightLayout: WeightLayout?
    /// nil or 1: dense. Optional so plans written before it existed still read.
    public var groups: Int?
    /// true: TF's depthwise convolution, weights `[kh, kw, Cin, multiplier]` (see above).
    public var depthwise: Bool?
    /// A per-channel scale and shift and an activation applied to the input as the convolution
    /// reads it (resnet_v2's pre-activation batch norm and ReLU; the FusePrologue pass). Only
    /// for 1x1, stride-1, unpadded dense convolutions, where no padding value is transformed.
    public var prologue: Prologue?

    public init(strideH: Int, strideW: Int, padding: Padding, dilationH: Int = 1, dilationW: Int = 1, epilogue: Epilogue = .none,
                algorithm: ConvolutionAlgorithm? = nil, groups: Int = 1, depthwise: Bool = false) {
        self.strideH = strideH; self.strideW = strideW; self.padding = padding
        self.dilationH = dilationH; self.dilationW = dilationW
        self.epilogue = epilogue
        self.algorithm = algorithm
        self.groups = groups == 1 ? nil : groups
        self.depthwise = depthwise ? true : nil
    }

    /// A convolution's prologue: x * scale + shift through `activation`, per input channel, with
    /// `scale` and `shift` `[Cin]` inputs right after the weights.
    public struct Prologue: Hashable, Sendable, Codable {
        public var activation: Activation?
        public init(activation: Activation?) { self.activation = activation }
    }

    /// Whether output channels read only part of the input channels (grouped or depthwise).
    public var isGrouped: Bool { depthwise == true || (groups ?? 1) != 1 }

    /// How the channels split, for an input of `inputChannels` and weights of shape `w`:
    /// the number of groups, the input channels each reads and the output channels in all.
    public func grouping(inputChannels: Int, weights w: [Int]) -> (groups: Int, inputsPerGroup: Int, outputs: Int) {
        if depthwise == true { return (inputChannels, 1, w[2] * w[3]) }
        return (groups ?? 1, w[2], w[3])
    }

    /// The kernel's height and width for weights of shape `w` (3x3 for a Winograd transform).
    public func kernelSize(weights w: TensorShape) -> (Int?, Int?) {
        algorithm == nil ? (w[0], w[1]) : (WinogradTransform.kernel, WinogradTransform.kernel)
    }
}

extension Conv2DAttributes: OpSchema {
    public var typeName: String { depthwise == true ? "DepthwiseConv2dNative" : "Conv2D" }
    public var inputRoles: [InputRole] { [.data, .weights] + (prologue == nil ? [] : [.scale, .shift]) + epilogue.inputRoles }
    /// The GEMM accumulates onto the residual, so the output may take the residual's buffer.
    public var inPlaceInputs: [Int] { epilogue.residual ? [inputRoles.count - 1] : [] }

    public var attributes: [String] {
        var r = ["strides=[\(strideH), \(strideW)]", "padding=\(padding)"]
        if dilationH != 1 || dilationW != 1 { r.append("dilations=[\(dilationH), \(dilationW)]") }
        if let groups { r.append("groups=\(groups)") }
        if let algorithm { r.append("winograd=\(algorithm.rawValue)") }
        if let weightLayout { r.append("weights=\(weightLayout.rawValue)") }
        if let prologue { r.append("prologue=scale_shift" + (prologue.activation.map { "+\($0)" } ?? "")) }
        return r + epilogue.attributes
    }

    public func multiplyAdds(inputs: [TensorShape], output: TensorShape) -> Int {
        let w = inputs[1], (kh, kw) = kernelSize(weights: w)
        // Each output reads kh * kw * (input channels of its group): w[2] for grouped, 1 for depthwise.
        let perGroup = depthwise == true ? 1 : (w[2] ?? 0)
        return ShapeRules.saturatingMul(output.elementCountPerUnknown, (kh ?? 0) * (kw ?? 0) * perGroup)
    }

    public func inferShape(_ inputs: [TensorShape]) throws(ShapeError) -> TensorShape {
        let x = inputs[0], w = inputs[1]
        try ShapeRules.expectRank(x, 4, "the input of conv2d")
        try ShapeRules.expectRank(w, 4, "conv2d weights")
        guard let wh = w[0], let ww = w[1], let wcin = w[2], let wcout = w[3] else { throw ShapeError("conv2d weights must have a static shape, got \(w)") }
        var (kh, kw) = (wh, ww)
        var cout = wcout
        if isGrouped {
            guard algorithm == nil, weightLayout == nil else { throw ShapeError("a grouped convolution has neither a Winograd transform nor packed weights") }
            if depthwise == true {
                guard groups == nil else { throw ShapeError("a depthwise convolution takes no groups attribute") }
                if let cin = x[3], cin != wcin {
                    throw ShapeError("channel mismatch: the input \(x) has \(cin) channels but the depthwise weights \(w) expect \(wcin)")
                }
                cout = try ShapeRules.checkedProduct(wcin, wcout)
            } else {
                let g = groups ?? 1
                guard g >= 1 else { throw ShapeError("groups must be positive, got \(g)") }
                guard wcout % g == 0 else { throw ShapeError("\(wcout) output channels do not split into \(g) groups") }
                if let cin = x[3], cin != wcin * g {
                    throw ShapeError("channel mismatch: the input \(x) has \(cin) channels but \(g) groups of weights \(w) expect \(wcin * g)")
                }
            }
        }
        if let algorithm {
            let t = algorithm.transform.inputTile
            guard wh == t, ww == t, strideH == 1, strideW == 1, dilationH == 1, dilationW == 1 else {
                throw ShapeError("a Winograd \(algorithm.rawValue) convolution needs [\(t), \(t), Cin, Cout] weights, stride 1 and no dilation, got weights \(w)")
            }
            (kh, kw) = (WinogradTransform.kernel, WinogradTransform.kernel)
        }
        guard dilationH >= 1, dilationW >= 1, kh >= 1, kw >= 1 else { throw ShapeError("conv2d kernel and dilation must be positive") }
        let windowH = try ShapeRules.checkedSum(try ShapeRules.checkedProduct(kh - 1, dilationH), 1)
        let windowW = try ShapeRules.checkedSum(try ShapeRules.checkedProduct(kw - 1, dilationW), 1)
        if weightLayout != nil, cout % WeightLayout.panelWidth != 0 {
            throw ShapeError("weights packed in panels of \(WeightLayout.panelWidth) need a multiple of \(WeightLayout.panelWidth) output channels, got \(cout)")
        }
        if !isGrouped, let cin = x[3], cin != wcin {
            throw ShapeError("channel mismatch: the input \(x) has \(cin) channels but the weights \(w) expect \(wcin)")
        }
        let (pt, pb, pl, pr) = try ShapeRules.explicitPads(padding, inputH: x[1], inputW: x[2], windowH: windowH, windowW: windowW,
                                                           strideH: strideH, strideW: strideW)
        let h = try ShapeRules.windowOutput(x[1], window: windowH, stride: strideH, padding: padding, before: pt, after: pb,
                                            ceil: false, what: "convolution kernel", axis: "height")
        let wd = try ShapeRules.windowOutput(x[2], window: windowW, stride: strideW, padding: padding, before: pl, after: pr,
                                             ceil: false, what: "convolution kernel", axis: "width")
        let y = TensorShape([x[0], h, wd, cout])
        if prologue != nil {
            guard !isGrouped, algorithm == nil, wh == 1, ww == 1, strideH == 1, strideW == 1, padding.isZero || padding == .same else {
                throw ShapeError("a convolution with a prologue must be a dense 1x1 convolution with stride 1 and no padding")
            }
            guard inputs.count >= 4, inputs[2] == TensorShape([wcin]), inputs[3] == TensorShape([wcin]) else {
                throw ShapeError("a convolution's prologue takes a scale and a shift of [\(wcin)], got \(Array(inputs.dropFirst(2).prefix(2)))")
            }
        }
        try epilogue.check(output: y, extra: Array(inputs.dropFirst(prologue == nil ? 2 : 4)))
        return y
    }
}

/// A transposed convolution (TF's `Conv2DBackpropInput`, slim's `conv2d_transpose`, PyTorch's
/// `ConvTranspose2d`): every input pixel adds its values times the `[kh, kw, Cout]` weights
/// into the output, `stride` pixels apart.
///
/// inputs: x `[N, H, W, Cin]`, weights `[kh, kw, Cout, Cin]` (TF's layout), then the
/// epilogue's. The full result is `(H - 1) * stride + kh` high; `padding` says how much of it
/// is cropped: SAME keeps `H * stride` (TF), VALID keeps it all (TF pads it with zeros to
/// `H * stride` when the kernel is smaller than the stride), explicit pads crop that many
/// pixels at each side, as PyTorch's `padding` does, and `outputPadding` adds that many more at
/// the bottom and right (PyTorch's `output_padding`).
public struct Conv2DTransposeAttributes: Hashable, Sendable, Codable {
    public var strideH: Int, strideW: Int
    public var padding: Padding
    public var outputPaddingH: Int, outputPaddingW: Int
    public var epilogue: Epilogue

    public init(strideH: Int, strideW: Int, padding: Padding, outputPaddingH: Int = 0, outputPaddingW: Int = 0, epilogue: Epilogue = .none) {
        self.strideH = strideH; self.strideW = strideW; self.padding = padding
        self.outputPaddingH = outputPaddingH; self.outputPaddingW = outputPaddingW
        self.epilogue = epilogue
    }

    /// Rows cropped at the start and at the end (negative: zero rows added) along one axis.
    public func crop(input: Int, kernel: Int, stride: Int, vertical: Bool) -> (before: Int, after: Int) {
        let full = (input - 1) * stride + kernel
        switch padding {
        case .same:
            let total = full - input * stride
            return total >= 0 ? (total / 2, total - total / 2) : (0, total)
        case .valid:
            return (0, full - (input * stride + Swift.max(kernel - stride, 0)))
        case let .explicit(t, b, l, r):
            return vertical ? (t, b - outputPaddingH) : (l, r - outputPaddingW)
        }
    }
}

extension Conv2DTransposeAttributes: OpSchema {
    public var typeName: String { "Conv2DBackpropInput" }
    public var inputRoles: [InputRole] { [.data, .weights] + epilogue.inputRoles }
    public var attributes: [String] {
        var r = ["strides=[\(strideH), \(strideW)]", "padding=\(padding)"]
        if outputPaddingH != 0 || outputPaddingW != 0 { r.append("output_padding=[\(outputPaddingH), \(outputPaddingW)]") }
        return r + epilogue.attributes
    }

    /// Every input value meets kh * kw * Cout weights.
    public func multiplyAdds(inputs: [TensorShape], output: TensorShape) -> Int {
        let w = inputs[1]
        return ShapeRules.saturatingMul(inputs[0].elementCountPerUnknown, (w[0] ?? 0) * (w[1] ?? 0) * (w[2] ?? 0))
    }

    public func inferShape(_ inputs: [TensorShape]) throws(ShapeError) -> TensorShape {
        let x = inputs[0], w = inputs[1]
        try ShapeRules.expectRank(x, 4, "the input of conv2d_transpose")
        try ShapeRules.expectRank(w, 4, "conv2d_transpose weights")
        guard let kh = w[0], let kw = w[1], let cout = w[2], let wcin = w[3] else { throw ShapeError("conv2d_transpose weights must have a static shape, got \(w)") }
        guard kh >= 1, kw >= 1, strideH >= 1, strideW >= 1 else { throw ShapeError("conv2d_transpose kernel and strides must be positive") }
        guard outputPaddingH >= 0, outputPaddingW >= 0, outputPaddingH < strideH, outputPaddingW < strideW else {
            throw ShapeError("output padding must be smaller than the stride, got [\(outputPaddingH), \(outputPaddingW)] with strides [\(strideH), \(strideW)]")
        }
        if case let .explicit(t, b, l, r) = padding, min(t, b, l, r) < 0 { throw ShapeError("conv2d_transpose padding must not be negative") }
        if let cin = x[3], cin != wcin {
            throw ShapeError("channel mismatch: the input \(x) has \(cin) channels but the weights \(w) expect \(wcin)")
        }
        func size(_ input: Int?, _ k: Int, _ s: Int, _ vertical: Bool) throws(ShapeError) -> Int? {
            guard let input else { return nil }
            let (before, after) = crop(input: input, kernel: k, stride: s, vertical: vertical)
            let out = (input - 1) * s + k - before - after
            guard out >= 1 else { throw ShapeError("conv2d_transpose crops its whole output: padding \(padding) of \((input - 1) * s + k) pixels") }
            return out
        }
        let y = TensorShape([x[0], try size(x[1], kh, strideH, true), try size(x[2], kw, strideW, false), cout])
        try epilogue.check(output: y, extra: Array(inputs.dropFirst(2)))
        return y
    }
}
