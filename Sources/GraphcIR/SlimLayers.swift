/// TF-slim's layers over `GraphBuilder`: the same scopes, variable names, shapes and op
/// names that `tf.contrib.slim` creates, so slim checkpoints load without renaming.
extension GraphBuilder {
    /// A function applied to a layer's output inside its scope (activation_fn, normalizer_fn).
    public typealias LayerFunction = (NodeID) throws -> NodeID

    /// `slim.conv2d`: weights `[kh, kw, cin / groups, cout]` in `scope` (default `Conv`), then
    /// the normalizer if any, else biases (when `biases` is true), then the activation.
    /// `groups` (Keras's and PyTorch's, not slim's) splits the channels into groups.
    public func conv2d(_ input: NodeID, numOutputs: Int, kernel: (Int, Int), stride: (Int, Int) = (1, 1),
                       padding: Padding = .same, rate: (Int, Int) = (1, 1), groups: Int = 1, biases: Bool = true,
                       normalizer: LayerFunction? = nil, activation: LayerFunction? = nil,
                       scope: String? = nil) throws -> NodeID {
        let cin = try checkConvolution("conv2d", input, kernel: kernel, stride: stride, rate: rate)
        try checkPositive(numOutputs, "num_outputs")
        try checkPositive(groups, "groups")
        guard cin % groups == 0, numOutputs % groups == 0 else {
            throw ShapeError("groups=\(groups) must divide both the \(cin) input channels and the \(numOutputs) outputs")
        }
        return try withVariableScope(scope, defaultName: "Conv") {
            markLayerName()
            let w = try variable("weights", shape: [kernel.0, kernel.1, cin / groups, numOutputs])
            let attrs = Conv2DAttributes(strideH: stride.0, strideW: stride.1, padding: padding, dilationH: rate.0, dilationW: rate.1, groups: groups)
            let y = try add(.conv2d(attrs), [input, w], name: "Conv2D")
            return try finishLayer(y, numOutputs: numOutputs, biases: biases, normalizer: normalizer, activation: activation)
        }
    }

    /// `slim.conv2d_transpose`: weights `[kh, kw, num_outputs, cin]` (op `conv2d_transpose`) in
    /// `scope` (default `Conv2d_transpose`), then the normalizer or biases and the activation.
    /// Explicit `padding` crops that many pixels from each side and `outputPadding` adds rows
    /// at the bottom and right, as PyTorch's `ConvTranspose2d` does.
    public func conv2dTranspose(_ input: NodeID, numOutputs: Int, kernel: (Int, Int), stride: (Int, Int) = (1, 1), padding: Padding = .same,
                                outputPadding: (Int, Int) = (0, 0), biases: Bool = true, normalizer: LayerFunction? = nil,
                                activation: LayerFunction? = nil, scope: String? = nil) throws -> NodeID {
        let cin = try checkConvolution("conv2d_transpose", input, kernel: kernel, stride: stride, rate: (1, 1))
        try checkPositive(numOutputs, "num_outputs")
        return try withVariableScope(scope, defaultName: "Conv2d_transpose") {
            markLayerName()
            let w = try variable("weights", shape: [kernel.0, kernel.1, numOutputs, cin])
            let attrs = Conv2DTransposeAttributes(strideH: stride.0, strideW: stride.1, padding: padding,
                                                  outputPaddingH: outputPadding.0, outputPaddingW: outputPadding.1)
            let y = try add(.conv2dTranspose(attrs), [input, w], name: "conv2d_transpose")
            return try finishLayer(y, numOutputs: numOutputs, biases: biases, normalizer: normalizer, activation: activation)
        }
    }

    /// `slim.separable_conv2d`: a depthwise convolution with `depthwise_weights`
    /// `[kh, kw, cin, depthMultiplier]` (op `depthwise`), then, when `numOutputs` is given, a
    /// 1x1 convolution with `pointwise_weights` `[1, 1, cin * depthMultiplier, numOutputs]`
    /// (ops `separable_conv2d/depthwise` and `separable_conv2d`), then the normalizer or
    /// biases and the activation, in `scope` (default `SeparableConv2d`).
    public func separableConv2d(_ input: NodeID, numOutputs: Int?, kernel: (Int, Int), depthMultiplier: Int = 1,
                                stride: (Int, Int) = (1, 1), padding: Padding = .same, rate: (Int, Int) = (1, 1), biases: Bool = true,
                                normalizer: LayerFunction? = nil, activation: LayerFunction? = nil,
                                scope: String? = nil) throws -> NodeID {
        let cin = try checkConvolution("separable_conv2d", input, kernel: kernel, stride: stride, rate: rate)
        if let numOutputs { try checkPositive(numOutputs, "num_outputs") }
        try checkPositive(depthMultiplier, "depth_multiplier")
        let depthwise = Conv2DAttributes(strideH: stride.0, strideW: stride.1, padding: padding, dilationH: rate.0, dilationW: rate.1, depthwise: true)
        return try withVariableScope(scope, defaultName: "SeparableConv2d") {
            let dw = try variable("depthwise_weights", shape: [kernel.0, kernel.1, cin, depthMultiplier])
            guard let numOutputs else {
                let y = try add(.conv2d(depthwise), [input, dw], name: "depthwise")
                return try finishLayer(y, numOutputs: cin * depthMultiplier, biases: biases, normalizer: normalizer, activation: activation)
            }
            markLayerName()
            let pw = try variable("pointwise_weights", shape: [1, 1, cin * depthMultiplier, numOutputs])
            // TF names the 1x1 convolution after the name scope that holds the depthwise one.
            var scopeName = ""
            let d = try withNameScope("separable_conv2d") {
                scopeName = nameScope
                return try add(.conv2d(depthwise), [input, dw], name: "depthwise")
            }
            let y = try add(.conv2d(Conv2DAttributes(strideH: 1, strideW: 1, padding: .valid)), [d, pw], exactName: scopeName)
            return try finishLayer(y, numOutputs: numOutputs, biases: biases, normalizer: normalizer, activation: activation)
        }
    }

    /// `slim.batch_norm` for inference: beta when `center`, gamma when `scale`, moving mean and
    /// variance, in `scope` (default `BatchNorm`, then `BatchNorm_1`...), then the activation.
    public func batchNorm(_ input: NodeID, center: Bool = true, scale: Bool = false, epsilon: Float = 0.001,
                          activation: LayerFunction? = nil, scope: String? = nil) throws -> NodeID {
        let x = graph[input].shape
        guard x.rank >= 2, let c = x.dims.last! else {
            throw ShapeError("batch_norm needs an input of rank >= 2 with a known channel count, got shape \(x)")
        }
        guard epsilon > 0 else { throw ShapeError("batch_norm epsilon must be positive, got \(epsilon)") }
        return try withVariableScope(scope, defaultName: "BatchNorm") {
            var inputs = [input]
            // slim creates beta before gamma; the node's inputs list gamma first.
            let beta = center ? try variable("beta", shape: [c]) : nil
            let gamma = scale ? try variable("gamma", shape: [c]) : nil
            if let gamma { inputs.append(gamma) }
            if let beta { inputs.append(beta) }
            inputs.append(try variable("moving_mean", shape: [c]))
            inputs.append(try variable("moving_variance", shape: [c]))
            var y = try add(.batchNorm(epsilon: epsilon, hasScale: scale, hasOffset: center), inputs, name: "FusedBatchNormV3")
            if let activation { y = try activation(y) }
            return y
        }
    }

    /// `slim.fully_connected`: weights `[in, out]` on the last axis (rank >= 2 inputs), biases
    /// unless a normalizer is given, then the activation; scope default `fully_connected`.
    public func fullyConnected(_ input: NodeID, numOutputs: Int, biases: Bool = true, normalizer: LayerFunction? = nil,
                               activation: LayerFunction? = nil, scope: String? = nil) throws -> NodeID {
        let x = graph[input].shape
        guard x.rank >= 2, let k = x.dims.last! else {
            throw ShapeError("fully_connected needs an input of rank >= 2 with a known last dimension, got shape \(x)")
        }
        try checkPositive(numOutputs, "num_outputs")
        return try withVariableScope(scope, defaultName: "fully_connected") {
            markLayerName()
            let w = try variable("weights", shape: [k, numOutputs])
            let y = try add(.matMul(.none), [input, w], name: x.rank == 2 ? "MatMul" : "Tensordot")
            return try finishLayer(y, numOutputs: numOutputs, biases: biases, normalizer: normalizer, activation: activation)
        }
    }

    /// `slim.max_pool2d` / `slim.avg_pool2d`: a name scope (default `MaxPool2D` / `AvgPool2D`)
    /// holding one `MaxPool` / `AvgPool` op.
    public func pool(_ input: NodeID, max isMax: Bool, attributes: PoolAttributes, scope: String? = nil) throws -> NodeID {
        try withNameScope(scope ?? (isMax ? "MaxPool2D" : "AvgPool2D")) {
            try add(isMax ? .maxPool(attributes) : .avgPool(attributes), [input], name: isMax ? "MaxPool" : "AvgPool")
        }
    }

    /// slim builds conv2d, fully_connected, conv2d_transpose and separable_conv2d as tf.layers
    /// layers named after their scope, and a layer takes its own name inside its name scope:
    /// an op there with the scope's last name is numbered on (`Relu_1/Relu_1` for
    /// `conv2d(..., scope='Relu')` after a Relu op, as TF names it).
    private func markLayerName() {
        _ = uniqueName(String(variableScope.split(separator: "/").last ?? ""))
    }

    /// slim's layer tail: the normalizer if any, else biases (when wanted), then the activation.
    private func finishLayer(_ y: NodeID, numOutputs: Int, biases: Bool, normalizer: LayerFunction?,
                             activation: LayerFunction?) throws -> NodeID {
        var y = y
        if let normalizer {
            y = try normalizer(y)
        } else if biases {
            let b = try variable("biases", shape: [numOutputs])
            y = try add(.biasAdd, [y, b], name: "BiasAdd")
        }
        if let activation { y = try activation(y) }
        return y
    }

    /// The input's channel count, after checking `layer`'s input is NHWC with known channels
    /// and its window sizes are positive.
    private func checkConvolution(_ layer: String, _ input: NodeID, kernel: (Int, Int), stride: (Int, Int), rate: (Int, Int)) throws(ShapeError) -> Int {
        let x = graph[input].shape
        guard x.rank == 4 else { throw ShapeError("\(layer) needs an NHWC input of rank 4, got shape \(x)") }
        guard let cin = x[3] else { throw ShapeError("\(layer) needs a known channel count, got shape \(x)") }
        try checkPositive(kernel.0, "kernel height"); try checkPositive(kernel.1, "kernel width")
        try checkPositive(stride.0, "stride"); try checkPositive(stride.1, "stride")
        try checkPositive(rate.0, "rate"); try checkPositive(rate.1, "rate")
        if (stride.0 > 1 || stride.1 > 1) && (rate.0 > 1 || rate.1 > 1) {
            throw ShapeError("\(layer) cannot combine stride > 1 with rate > 1, as in TF")
        }
        return cin
    }

    private func checkPositive(_ v: Int, _ what: String) throws(ShapeError) {
        guard v >= 1 else { throw ShapeError("\(what) must be positive, got \(v)") }
    }
}
