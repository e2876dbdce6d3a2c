import GraphcIR

/// One translation per ONNX op type: each reads its node, builds the same layer on the
/// importer's builder (which gives the shapes later ops need) and writes the line that makes it.
extension ONNXTranslation {
    typealias Handler = (inout ONNXTranslation, Onnx_NodeProto) throws -> Void

    /// The translation of `opType`, nil when graphc has none.
    static func handler(for opType: String) -> Handler? {
        switch opType {
        case "Conv": return { try $0.conv($1) }
        case "BatchNormalization": return { try $0.batchNorm($1) }
        case "Relu", "Sigmoid", "Tanh", "LeakyRelu", "Elu", "HardSigmoid", "HardSwish", "Gelu", "Neg", "Erf": return { try $0.activation($1) }
        case "Clip": return { try $0.clip($1) }
        case "Add", "Sub", "Mul", "Div", "Max", "Min": return { try $0.binary($1) }
        case "MaxPool", "AveragePool": return { try $0.pool($1) }
        case "GlobalAveragePool": return { try $0.globalAveragePool($1) }
        case "ReduceMean": return { try $0.reduceMean($1) }
        case "Gemm": return { try $0.gemm($1) }
        case "MatMul": return { try $0.matMul($1) }
        case "Flatten": return { try $0.flatten($1) }
        case "Reshape": return { try $0.reshape($1) }
        case "Squeeze": return { try $0.squeeze($1) }
        case "Unsqueeze": return { try $0.unsqueeze($1) }
        case "Transpose": return { try $0.transpose($1) }
        case "Concat": return { try $0.concat($1) }
        case "Softmax": return { try $0.softmax($1) }
        case "Pad": return { try $0.pad($1) }
        case "Resize", "Upsample": return { try $0.resize($1) }
        case "ConvTranspose": return { try $0.convTranspose($1) }
        case "Slice": return { try $0.slice($1) }
        case "Split": return { try $0.split($1) }
        case "GlobalMaxPool": return { try $0.globalMaxPool($1) }
        case "ReduceMax", "ReduceMin", "ReduceSum": return { try $0.reduceMean($1) }
        case "LayerNormalization", "InstanceNormalization", "GroupNormalization": return { try $0.normalization($1) }
        case "Identity", "Dropout": return { try $0.identity($1) }
        case "Constant": return { try $0.constantNode($1) }
        case "Shape": return { try $0.shape($1) }
        case "Gather": return { try $0.gather($1) }
        case "Cast": return { try $0.cast($1) }
        case "ConstantOfShape": return { try $0.constantOfShape($1) }
        default: return nil
        }
    }

    /// NCHW axis a of a 4-D ONNX value is NHWC axis `toNHWC[a]` in the file.
    static let toNHWC = [0, 3, 1, 2]

    // MARK: Layers

    mutating func conv(_ node: Onnx_NodeProto) throws {
        let x = try tensor(node, 0)
        guard rank(x) == 4 else { throw ONNXUnsupported("only 2-D convolutions (4-D inputs) are supported") }
        guard let w = try constant(node, 1), w.dims.count == 4 else { throw ONNXUnsupported("only 2-D convolutions with constant weights are supported") }
        let (cout, perGroup, kh, kw) = (w.dims[0], w.dims[1], w.dims[2], w.dims[3])
        let groups = int(node, "group", 1)
        guard groups >= 1, let cin = onnxShape(x)[1], perGroup * groups == cin, cout % groups == 0 else {
            throw ONNXImportError("weights \(w.dims) in \(groups) group\(groups == 1 ? "" : "s") do not fit the input \(dimsText(onnxShape(x)))")
        }
        let strides = ints(node, "strides") ?? [1, 1], dilations = ints(node, "dilations") ?? [1, 1]
        guard strides.count == 2, dilations.count == 2, strides.allSatisfy({ $0 >= 1 }), dilations.allSatisfy({ $0 >= 1 }) else {
            throw ONNXImportError("strides and dilations must be 2 positive values, got \(strides) and \(dilations)")
        }
        let padding = try windowPadding(node, x, window: ((kh - 1) * dilations[0] + 1, (kw - 1) * dilations[1] + 1), strides: strides, tfSame: true)
        let hwio = Self.kernelsLast(w)
        let bias = try constant(node, 2)
        let scope = scope(node, weight: node.input[1])
        let (activation, activationText, outName) = fusedActivation(after: node)
        let b = builder
        let id = try ONNXImportError.wrap {
            try b.conv2d(x.id, numOutputs: cout, kernel: (kh, kw), stride: (strides[0], strides[1]), padding: padding,
                         rate: (dilations[0], dilations[1]), groups: groups, biases: bias != nil,
                         activation: layerFunction(activation), scope: scope)
        }
        var call = "conv2d(\(x.name), \(cout), [\(kh), \(kw)]"
        if strides != [1, 1] { call += ", stride=\(pythonList(strides))" }
        call += ", padding=\(paddingText(padding))"
        if dilations != [1, 1] { call += ", rate=\(pythonList(dilations))" }
        if groups != 1 { call += ", groups=\(groups)" }
        call += ", activation_fn=\(activationText)"
        if bias == nil { call += ", biases_initializer=None" }
        call += ", scope=\(quote(scope)))"
        values[outName] = emit(id, hint: scope, call)
        weights.append((scope + "/weights", HostTensor(shape: [kh, kw, perGroup, cout], data: hwio)))
        if let bias {
            guard bias.count == cout else { throw ONNXImportError("the bias has \(bias.count) values for \(cout) output channels") }
            weights.append((scope + "/biases", HostTensor(shape: [cout], data: bias.floats)))
        }
    }

    /// ONNX's `[A, B, kh, kw]` convolution weights as `[kh, kw, B, A]`: OIHW to slim's HWIO
    /// for Conv, and IOHW to slim's `[kh, kw, Cout, Cin]` for ConvTranspose.
    static func kernelsLast(_ w: ONNXConstant) -> [Float] {
        let (a, b, kh, kw) = (w.dims[0], w.dims[1], w.dims[2], w.dims[3])
        let source = w.floats
        var result = [Float](repeating: 0, count: source.count)
        for i in 0..<a { for j in 0..<b { for y in 0..<kh { for x in 0..<kw {
            result[((y * kw + x) * b + j) * a + i] = source[((i * b + j) * kh + y) * kw + x]
        } } } }
        return result
    }

    mutating func convTranspose(_ node: Onnx_NodeProto) throws {
        let x = try tensor(node, 0)
        guard rank(x) == 4 else { throw ONNXUnsupported("only 2-D transposed convolutions (4-D inputs) are supported") }
        guard let w = try constant(node, 1), w.dims.count == 4 else { throw ONNXUnsupported("only constant 4-D weights are supported") }
        let (cin, cout, kh, kw) = (w.dims[0], w.dims[1], w.dims[2], w.dims[3])
        guard int(node, "group", 1) == 1 else { throw ONNXUnsupported("grouped transposed convolution") }
        guard onnxShape(x)[1] == cin else { throw ONNXImportError("weights \(w.dims) do not fit the input \(dimsText(onnxShape(x)))") }
        guard (ints(node, "dilations") ?? [1, 1]) == [1, 1] else { throw ONNXUnsupported("dilated transposed convolution") }
        if attribute(node, "output_shape") != nil { throw ONNXUnsupported("ConvTranspose with output_shape (give pads instead)") }
        let strides = ints(node, "strides") ?? [1, 1]
        var outputPadding = ints(node, "output_padding") ?? [0, 0]
        guard strides.count == 2, outputPadding.count == 2, strides.allSatisfy({ $0 >= 1 }) else {
            throw ONNXImportError("strides (positive) and output_padding must have 2 values")
        }
        var pads = ints(node, "pads") ?? [0, 0, 0, 0]
        let autoPad = string(node, "auto_pad", "NOTSET")
        if autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER" {
            let s = onnxShape(x)
            guard let h = s[2], let wd = s[3] else { throw ONNXUnsupported("\(autoPad) of an input of unknown size") }
            // SAME keeps input * stride pixels; a kernel smaller than the stride leaves rows short,
            // which are output padding (zeros at the end).
            func split(_ input: Int, _ k: Int, _ stride: Int, _ extra: inout Int) -> (Int, Int) {
                let total = stride * (input - 1) + extra + k - input * stride
                if total < 0 { extra -= total; return (0, 0) }
                return autoPad == "SAME_UPPER" ? (total / 2, total - total / 2) : (total - total / 2, total / 2)
            }
            let (t, b) = split(h, kh, strides[0], &outputPadding[0]), (l, r) = split(wd, kw, strides[1], &outputPadding[1])
            pads = [t, l, b, r]
        } else if autoPad != "NOTSET" && autoPad != "VALID" {
            throw ONNXImportError("auto_pad '\(autoPad)' is not an ONNX padding mode")
        }
        guard pads.count == 4 else { throw ONNXImportError("pads must have 4 values") }
        let padding = Padding.explicit(top: pads[0], bottom: pads[2], left: pads[1], right: pads[3])
        let hwoi = Self.kernelsLast(w)
        let bias = try constant(node, 2)
        let scope = scope(node, weight: node.input[1])
        let (activation, activationText, outName) = fusedActivation(after: node)
        let b = builder
        let id = try ONNXImportError.wrap {
            try b.conv2dTranspose(x.id, numOutputs: cout, kernel: (kh, kw), stride: (strides[0], strides[1]), padding: padding,
                                  outputPadding: (outputPadding[0], outputPadding[1]), biases: bias != nil,
                                  activation: layerFunction(activation), scope: scope)
        }
        var call = "conv2d_transpose(\(x.name), \(cout), [\(kh), \(kw)], stride=\(pythonList(strides)), padding=\(paddingText(padding))"
        if outputPadding != [0, 0] { call += ", output_padding=\(pythonList(outputPadding))" }
        call += ", activation_fn=\(activationText)\(bias == nil ? ", biases_initializer=None" : ""), scope=\(quote(scope)))"
        values[outName] = emit(id, hint: scope, call)
        weights.append((scope + "/weights", HostTensor(shape: [kh, kw, cout, cin], data: hwoi)))
        if let bias {
            guard bias.count == cout else { throw ONNXImportError("the bias has \(bias.count) values for \(cout) output channels") }
            weights.append((scope + "/biases", HostTensor(shape: [cout], data: bias.floats)))
        }
    }

    mutating func batchNorm(_ node: Onnx_NodeProto) throws {
        let x = try tensor(node, 0)
        guard rank(x) == 4 || rank(x) == 2 else { throw ONNXUnsupported("batch normalization of a \(rank(x))-D value") }
        guard let gamma = try constant(node, 1), let beta = try constant(node, 2), let mean = try constant(node, 3),
              let variance = try constant(node, 4) else { throw ONNXImportError("batch normalization needs scale, bias, mean and variance") }
        guard node.output.count == 1 || node.output.dropFirst().allSatisfy({ $0.isEmpty || readers[$0, default: 0] == 0 }) else {
            throw ONNXUnsupported("training-mode batch normalization (running statistics outputs are read)")
        }
        let epsilon = float(node, "epsilon", 1e-5)
        let scope = scope(node, weight: node.input[1])
        let (activation, activationText, outName) = fusedActivation(after: node)
        let b = builder
        let id = try ONNXImportError.wrap {
            try b.batchNorm(x.id, center: true, scale: true, epsilon: epsilon,
                            activation: layerFunction(activation), scope: scope)
        }
        values[outName] = emit(id, hint: scope, "batch_norm(\(x.name), scale=True, epsilon=\(literal(epsilon)), fused=False, activation_fn=\(activationText), scope=\(quote(scope)))")
        let c = builder.graph[x.id].shape.dims.last! ?? gamma.count
        for (leaf, v) in [("gamma", gamma), ("beta", beta), ("moving_mean", mean), ("moving_variance", variance)] {
            guard v.count == c else { throw ONNXImportError("batch normalization's \(leaf) has \(v.count) values for \(c) channels") }
            weights.append((scope + "/" + leaf, HostTensor(shape: [c], data: v.floats)))
        }
    }

    mutating func gemm(_ node: Onnx_NodeProto) throws {
        let a = try tensor(node, 0)
        guard rank(a) == 2, int(node, "transA", 0) == 0 else { throw ONNXUnsupported("Gemm needs a 2-D input that is not transposed") }
        guard let bMatrix = try constant(node, 1), bMatrix.dims.count == 2 else { throw ONNXUnsupported("Gemm needs constant 2-D weights") }
        let alpha = float(node, "alpha", 1), beta = float(node, "beta", 1)
        let transB = int(node, "transB", 0) == 1
        let (k, m) = transB ? (bMatrix.dims[1], bMatrix.dims[0]) : (bMatrix.dims[0], bMatrix.dims[1])
        let bv = bMatrix.floats
        var w = [Float](repeating: 0, count: k * m)
        for i in 0..<k { for j in 0..<m { w[i * m + j] = alpha * (transB ? bv[j * k + i] : bv[i * m + j]) } }
        var bias: [Float]?
        if let c = try constant(node, 2) {
            guard c.count == m || c.count == 1, c.dims.count <= 1 || c.dims.dropLast().allSatisfy({ $0 == 1 }) else {
                throw ONNXUnsupported("Gemm's C must broadcast along the output's rows, got shape \(c.dims)")
            }
            bias = c.count == m ? c.floats.map { beta * $0 } : [Float](repeating: beta * c.floats[0], count: m)
        }
        try fullyConnected(node, a, weights: w, k: k, m: m, bias: bias, weightName: node.input[1])
    }

    mutating func matMul(_ node: Onnx_NodeProto) throws {
        let a = try tensor(node, 0)
        guard rank(a) >= 2, rank(a) != 4 else { throw ONNXUnsupported("MatMul of a \(rank(a))-D input") }
        guard let bMatrix = try constant(node, 1), bMatrix.dims.count == 2 else { throw ONNXUnsupported("MatMul needs constant 2-D weights") }
        try fullyConnected(node, a, weights: bMatrix.floats, k: bMatrix.dims[0], m: bMatrix.dims[1], bias: nil, weightName: node.input[1])
    }

    mutating func fullyConnected(_ node: Onnx_NodeProto, _ a: ImportedValue, weights w: [Float], k: Int, m: Int, bias: [Float]?, weightName: String) throws {
        guard onnxShape(a).last == k else { throw ONNXImportError("weights of \(k) rows do not fit the input \(dimsText(onnxShape(a)))") }
        let scope = scope(node, weight: weightName)
        let (activation, activationText, outName) = fusedActivation(after: node)
        let b = builder
        let id = try ONNXImportError.wrap {
            try b.fullyConnected(a.id, numOutputs: m, biases: bias != nil,
                                 activation: layerFunction(activation), scope: scope)
        }
        values[outName] = emit(id, hint: scope, "fully_connected(\(a.name), \(m), activation_fn=\(activationText)\(bias == nil ? ", biases_initializer=None" : ""), scope=\(quote(scope)))")
        weights.append((scope + "/weights", HostTensor(shape: [k, m], data: w)))
        if let bias { weights.append((scope + "/biases", HostTensor(shape: [m], data: bias))) }
    }

    mutating func pool(_ node: Onnx_NodeProto) throws {
        let x = try tensor(node, 0)
        guard rank(x) == 4 else { throw ONNXUnsupported("only 2-D pooling is supported") }
        guard let kernel = ints(node, "kernel_shape"), kernel.count == 2 else { throw ONNXImportError("kernel_shape must have 2 values") }
        let strides = ints(node, "strides") ?? [1, 1]
        guard (ints(node, "dilations") ?? [1, 1]) == [1, 1] else { throw ONNXUnsupported("dilated pooling") }
        if node.output.count > 1, readers[node.output[1], default: 0] > 0 { throw ONNXUnsupported("MaxPool's indices output") }
        let isMax = node.opType == "MaxPool"
        let ceil = int(node, "ceil_mode", 0) == 1
        let includePad = !isMax && int(node, "count_include_pad", 0) == 1
        // ONNX's SAME pads; explicit, so count_include_pad keeps its meaning.
        let padding = try windowPadding(node, x, window: (kernel[0], kernel[1]), strides: strides, tfSame: false)
        let attributes = PoolAttributes(windowH: kernel[0], windowW: kernel[1], strideH: strides[0], strideW: strides[1], padding: padding,
                                        ceilMode: ceil, countIncludePad: isMax ? true : includePad)
        let id = try ONNXImportError.wrap { try builder.pool(x.id, max: isMax, attributes: attributes) }
        var call = "\(isMax ? "max_pool2d" : "avg_pool2d")(\(x.name), \(pythonList(kernel)), stride=\(pythonList(strides)), padding=\(paddingText(padding))"
        if ceil { call += ", ceil_mode=True" }
        if !isMax { call += ", count_include_pad=\(includePad ? "True" : "False")" }
        bind(node, id, call + ")")
    }

    mutating func globalAveragePool(_ node: Onnx_NodeProto) throws {
        let x = try tensor(node, 0)
        guard rank(x) == 4 else { throw ONNXUnsupported("only 2-D global pooling is supported") }
        bind(node, try add(.mean(axes: [1, 2], keepDims: true), [x.id], name: "Mean"), "reduce_mean(\(x.name), [1, 2], keepdims=True)")
    }

    mutating func reduceMean(_ node: Onnx_NodeProto) throws {
        let x = try tensor(node, 0)
        let r = rank(x)
        var axes = ints(node, "axes")
        // Axes became an input: ReduceSum's at opset 13, the others' at 18.
        if opset >= (node.opType == "ReduceSum" ? 13 : 18), let c = try constant(node, 1) { axes = c.ints.map { Int($0 ?? 0) } }
        if axes == nil || axes!.isEmpty {
            if int(node, "noop_with_empty_axes", 0) == 1 { values[node.output[0]] = x; return }
            axes = Array(0..<r)
        }
        let onnxAxes = try axes!.map { a throws -> Int in
            let n = a < 0 ? a + r : a
            guard n >= 0, n < r else { throw ONNXImportError("axis \(a) is out of range for rank \(r)") }
            return n
        }
        let keep = int(node, "keepdims", 1) == 1
        let fileAxes = Array(Set(r == 4 ? onnxAxes.map { Self.toNHWC[$0] } : onnxAxes)).sorted()
        let kinds: [String: ReduceAttributes.Kind] = ["ReduceMax": .max, "ReduceMin": .min, "ReduceSum": .sum]
        let id: NodeID, call: String
        if let kind = kinds[node.opType] {
            let a = ReduceAttributes(kind: kind, axes: fileAxes, keepDims: keep)
            id = try add(.reduce(a), [x.id], name: a.typeName)
            call = "tf.reduce_\(kind.rawValue)(\(x.name), \(pythonList(fileAxes)), keepdims=\(keep ? "True" : "False"))"
        } else {
            id = try add(.mean(axes: fileAxes, keepDims: keep), [x.id], name: "Mean")
            call = "reduce_mean(\(x.name), \(pythonList(fileAxes)), keepdims=\(keep ? "True" : "False"))"
        }
        if r == 4, !keep {
            // The axes left are in NHWC order in the file; ONNX keeps them in NCHW order.
            let left = [0, 2, 3, 1].filter { !onnxAxes.contains($0) }
            let order = left.sorted().map { left.firstIndex(of: $0)! }
            if order != Array(order.indices), order.count != 4 {
                let mean = emit(id, hint: node.output[0] + "_nhwc", call)
                bind(node, try add(.transpose(order), [mean.id], name: "transpose"), "transpose(\(mean.name), \(pythonList(order)))")
                return
            }
        }
        bind(node, id, call)
    }

    mutating func globalMaxPool(_ node: Onnx_NodeProto) throws {
        let x = try tensor(node, 0)
        guard rank(x) == 4 else { throw ONNXUnsupported("only 2-D global pooling is supported") }
        let id = try ONNXImportError.wrap {
            try builder.withNameScope("GlobalMaxPool") { try builder.add(.reduce(ReduceAttributes(kind: .max, axes: [1, 2], keepDims: true)), [x.id], name: "Max") }
        }
        bind(node, id, "global_max_pool2d(\(x.name), keep_dims=True)")
    }

    /// The file's begin, end and stride per axis for ONNX starts / ends / axes / steps on a
    /// value of ONNX shape `shape` (negative indices wrapped, then clamped, as ONNX does).
    func sliceBounds(_ shape: [Int?], starts: [Int], ends: [Int], axes: [Int], steps: [Int]) throws -> SliceAttributes {
        let r = shape.count
        guard starts.count == axes.count, ends.count == axes.count, steps.count == axes.count, Set(axes).count == axes.count else {
            throw ONNXImportError("Slice needs one start, end and step per axis, each axis once")
        }
        var begin = [Int](repeating: 0, count: r), end = [Int](repeating: Int.max, count: r), stride = [Int](repeating: 1, count: r)
        for (k, axis) in axes.enumerated() {
            let a = axis < 0 ? axis + r : axis
            guard a >= 0, a < r else { throw ONNXImportError("slice axis \(axis) is out of range for rank \(r)") }
            guard steps[k] >= 1 else { throw ONNXUnsupported("a slice with step \(steps[k]) (graphc slices forwards)") }
            let size = shape[a]
            func clamp(_ v: Int) throws -> Int {
                if v >= Int(Int32.max) { return Int.max }
                guard let size else {
                    guard v == 0 else { throw ONNXUnsupported("slicing axis \(a) of unknown size") }
                    return 0
                }
                return min(max(v < 0 ? v + size : v, 0), size)
            }
            let f = r == 4 ? Self.toNHWC[a] : a
            (begin[f], end[f], stride[f]) = (try clamp(starts[k]), try clamp(ends[k]), steps[k])
            if end[f] == size { end[f] = Int.max }
        }
        return SliceAttributes(begin: begin, end: end, strides: stride)
    }

    /// The subscript text that makes slice `a` (`x[:, 1:3]`).
    func subscriptText(_ a: SliceAttributes) -> String {
        let items = a.begin.indices.map { i -> String in
            let b = a.begin[i] == 0 ? "" : "\(a.begin[i])", e = a.end[i] == Int.max ? "" : "\(a.end[i])"
            return b + ":" + e + (a.strides[i] == 1 ? "" : ":\(a.strides[i])")
        }
        return "[" + items.joined(separator: ", ") + "]"
    }

    mutating func slice(_ node: Onnx_NodeProto) throws {
        let x = try tensor(node, 0)
        let starts: [Int], ends: [Int]
        var axes: [Int]?, steps: [Int]?
        if opset < 10 {
            guard let s = ints(node, "starts"), let e = ints(node, "ends") else { throw ONNXImportError("Slice needs starts and ends") }
            (starts, ends, axes) = (s, e, ints(node, "axes"))
        } else {
            guard let s = try constant(node, 1), let e = try constant(node, 2) else { throw ONNXImportError("Slice needs starts and ends") }
            starts = s.ints.map { Int($0 ?? 0) }; ends = e.ints.map { Int(clamping: $0 ?? Int64.max) }
            axes = try constant(node, 3).map { $0.ints.map { Int($0 ?? 0) } }
            steps = try constant(node, 4).map { $0.ints.map { Int($0 ?? 1) } }
        }
        let a = try sliceBounds(onnxShape(x), starts: starts, ends: ends, axes: axes ?? Array(0..<starts.count),
                                steps: steps ?? [Int](repeating: 1, count: starts.count))
        bind(node, try add(.slice(a), [x.id], name: "strided_slice"), x.name + subscriptText(a))
    }

    mutating func split(_ node: Onnx_NodeProto) throws {
        let x = try tensor(node, 0)
        let shape = onnxShape(x)
        var axis = int(node, "axis", 0)
        if axis < 0 { axis += shape.count }
        guard axis >= 0, axis < shape.count, let size = shape[axis] else { throw ONNXUnsupported("splitting an axis of unknown size") }
        var sizes = ints(node, "split")
        if opset >= 13, let c = try constant(node, 1) { sizes = c.ints.map { Int($0 ?? 0) } }
        let parts = node.output.count
        guard parts >= 1 else { throw ONNXImportError("Split has no outputs") }
        if sizes == nil {
            let n = opset >= 18 ? int(node, "num_outputs", parts) : parts
            guard n == parts else { throw ONNXImportError("Split into \(n) parts with \(parts) outputs") }
            let each = (size + n - 1) / n
            sizes = (0..<n).map { min(each, max(size - $0 * each, 0)) }
        }
        guard let sizes, sizes.count == parts, sizes.allSatisfy({ $0 >= 0 }), sizes.reduce(0, +) == size else { throw ONNXImportError("split sizes do not add up to \(size)") }
        let f = shape.count == 4 ? Self.toNHWC[axis] : axis
        var ids: [NodeID] = [], start = 0
        for s in sizes {
            var begin = [Int](repeating: 0, count: shape.count), end = [Int](repeating: Int.max, count: shape.count)
            begin[f] = start; end[f] = start + s
            ids.append(try add(.slice(SliceAttributes(begin: begin, end: end, strides: [Int](repeating: 1, count: shape.count))), [x.id], name: "split"))
            start += s
        }
        let names = node.output.map { identifier($0) }
        lines.append("\(names.joined(separator: ", "))\(names.count == 1 ? "," : "") = tf.split(\(x.name), \(pythonList(sizes)), axis=\(f))")
        for (i, output) in node.output.enumerated() { values[output] = ImportedValue(id: ids[i], name: names[i]) }
    }

    mutating func normalization(_ node: Onnx_NodeProto) throws {
        let x = try tensor(node, 0)
        let shape = onnxShape(x)
        guard let channels = shape.count == 4 ? shape[1] : shape.last ?? nil else { throw ONNXUnsupported("normalizing unknown channels") }
        guard let scale = try constant(node, 1) else { throw ONNXImportError("\(node.opType) needs a scale") }
        let bias = try constant(node, 2)
        let epsilon = float(node, "epsilon", 1e-5)
        var gamma = scale.floats, beta = bias?.floats ?? [Float](repeating: 0, count: scale.count)
        let a: NormalizationAttributes, call: (String, String) -> String
        switch node.opType {
        case "InstanceNormalization":
            guard shape.count == 4 else { throw ONNXUnsupported("instance normalization of a \(shape.count)-D value") }
            a = NormalizationAttributes(kind: .instance, groups: channels, leadingAxes: 1, epsilon: epsilon)
            call = { x, s in "slim.instance_norm(\(x), scale=True, epsilon=\(literal(epsilon)), scope=\(quote(s)))" }
        case "GroupNormalization":
            guard shape.count == 4 else { throw ONNXUnsupported("group normalization of a \(shape.count)-D value") }
            let groups = int(node, "num_groups", 0)
            guard groups >= 1, channels % groups == 0 else { throw ONNXImportError("\(channels) channels do not split into \(groups) groups") }
            // Opset 18's scale and bias are per group; 21's per channel.
            if gamma.count == groups, groups != channels {
                gamma = (0..<channels).map { gamma[$0 / (channels / groups)] }
                beta = (0..<channels).map { beta[$0 / (channels / groups)] }
            }
            a = NormalizationAttributes(kind: .group, groups: groups, leadingAxes: 1, epsilon: epsilon)
            call = { x, s in "slim.group_norm(\(x), groups=\(groups), epsilon=\(literal(epsilon)), scope=\(quote(s)))" }
        default:
            var axis = int(node, "axis", -1)
            if axis < 0 { axis += shape.count }
            guard shape.count != 4, axis == shape.count - 1 else { throw ONNXUnsupported("layer normalization over axes \(axis)... of a \(shape.count)-D value (graphc's is per channel over the last axis)") }
            if node.output.count > 1, node.output.dropFirst().contains(where: { readers[$0, default: 0] > 0 }) { throw ONNXUnsupported("LayerNormalization's mean and variance outputs") }
            a = NormalizationAttributes(kind: .layer, groups: 1, leadingAxes: shape.count - 1, epsilon: epsilon)
            call = { x, s in "slim.layer_norm(\(x), begin_norm_axis=-1, epsilon=\(literal(epsilon)), scope=\(quote(s)))" }
        }
        guard gamma.count == channels, beta.count == channels else { throw ONNXImportError("scale and bias need \(channels) values") }
        let scope = scope(node, weight: node.input[1])
        let b = builder
        let id = try ONNXImportError.wrap { () throws -> NodeID in
            try b.withVariableScope(scope) {
                let be = try b.variable("beta", shape: [channels]), ga = try b.variable("gamma", shape: [channels])
                return try b.add(.normalization(a), [x.id, ga, be], name: a.tfOutputName)
            }
        }
        values[node.output[0]] = emit(id, hint: scope, call(x.name, scope))
        weights.append((scope + "/beta", HostTensor(shape: [channels], data: beta)))
        weights.append((scope + "/gamma", HostTensor(shape: [channels], data: gamma)))
    }

    mutating func softmax(_ node: Onnx_NodeProto) throws {
        let x = try tensor(node, 0)
        let r = rank(x)
        var axis = int(node, "axis", opset >= 13 ? -1 : 1)
        if axis < 0 { axis += r }
        let last = r == 4 ? axis == 1 : axis == r - 1
        // Before opset 13 softmax ran over everything from `axis` on, which is the last axis only for 2-D inputs.
        guard last, opset >= 13 || r == 2 || axis == r - 1 else { throw ONNXUnsupported("softmax over axis \(axis) of a \(r)-D value (graphc's runs over the channels or last axis)") }
        bind(node, try add(.softmax, [x.id], name: "Softmax"), "softmax(\(x.name))")
    }

    // MARK: Elementwise

    /// The activation an op computes, or nil when it is not one graphc fuses.
    func activation(of node: Onnx_NodeProto) throws -> Activation? {
        switch node.opType {
        case "Relu": return .relu
        case "Sigmoid": return .sigmoid
        case "Tanh": return .tanh
        case "LeakyRelu": return .leakyRelu(alpha: float(node, "alpha", 0.01))
        case "Elu": return .elu(alpha: float(node, "alpha", 1))
        case "HardSigmoid": return .hardSigmoid(alpha: float(node, "alpha", 0.2), beta: float(node, "beta", 0.5))
        case "HardSwish": return .hardSwish
        case "Neg": return .negative
        case "Erf": return .erf
        case "Gelu":
            switch string(node, "approximate", "none") {
            case "none": return .gelu(tanh: false)
            case "tanh": return .gelu(tanh: true)
            case let other: throw ONNXUnsupported("Gelu approximate='\(other)'")
            }
        case "Clip":
            let (low, high) = try clipBounds(node)
            if low == 0, high == 6 { return .relu6 }
            if low == 0, high == .infinity { return .relu }
            return nil
        default: return nil
        }
    }

    /// A layer's `activation_fn` on the importer's builder: the node the DSL's builtin adds.
    func layerFunction(_ f: Activation?) -> GraphBuilder.LayerFunction? {
        let b = builder
        return f.map { f in { try b.add(.activation(f), [$0], name: f.typeName) } }
    }

    /// The text calling activation `f` on `x`.
    func activationCall(_ f: Activation, _ x: String) -> String {
        switch f {
        case .relu: return "relu(\(x))"
        case .relu6: return "relu6(\(x))"
        case .sigmoid: return "sigmoid(\(x))"
        case .tanh: return "tanh(\(x))"
        case let .leakyRelu(alpha): return "leaky_relu(\(x), alpha=\(literal(alpha)))"
        case let .elu(alpha): return "elu(\(x), alpha=\(literal(alpha)))"
        case let .hardSigmoid(alpha, beta): return "hard_sigmoid(\(x), alpha=\(literal(alpha)), beta=\(literal(beta)))"
        case .hardSwish: return "hard_swish(\(x))"
        case .swish: return "swish(\(x))"
        case let .gelu(tanh): return tanh ? "gelu(\(x), approximate=True)" : "gelu(\(x))"
        case .negative: return "-\(x)"
        case .erf: return "erf(\(x))"
        }
    }

    /// When the layer's output is read only by the activation right after it, that activation
    /// as the layer's `activation_fn` (absorbing its node) and the ONNX value the layer now
    /// produces; else no activation and the layer's own output.
    mutating func fusedActivation(after node: Onnx_NodeProto) -> (Activation?, String, String) {
        if readers[node.output[0]] == 2, let (sigmoid, mul) = swishPattern(of: node.output[0], after: currentNode) {
            absorbed.formUnion([sigmoid, mul])
            return (.swish, "swish", graph.node[mul].output[0])
        }
        guard let (index, next) = soleNextReader(of: node.output[0], after: currentNode),
              let f = try? activation(of: next), f != .negative, f != .erf else { return (nil, "None", node.output[0]) }
        absorbed.insert(index)
        let text: String
        switch f {
        case .relu, .relu6, .sigmoid, .tanh, .hardSwish, .swish: text = activationCall(f, "t").replacingOccurrences(of: "(t)", with: "")
        default: text = "lambda t: " + activationCall(f, "t")
        }
        return (f, text, next.output[0])
    }

    /// `x * sigmoid(x)` as exporters write SiLU: the two nodes after `index`, a Sigmoid of
    /// `value` read only by a Mul of `value` and it. Their indexes, when they are that.
    func swishPattern(of value: String, after index: Int) -> (Int, Int)? {
        guard index + 2 < graph.node.count else { return nil }
        let sigmoid = graph.node[index + 1], mul = graph.node[index + 2]
        guard sigmoid.opType == "Sigmoid", sigmoid.input == [value], readers[sigmoid.output[0]] == 1, mul.opType == "Mul",
              mul.input.count == 2, Set(mul.input) == [value, sigmoid.output[0]] else { return nil }
        return (index + 1, index + 2)
    }

    mutating func activation(_ node: Onnx_NodeProto) throws {
        let x = try tensor(node, 0)
        if node.opType == "Sigmoid", let (_, mul) = swishPattern(of: node.input[0], after: currentNode - 1) {
            absorbed.insert(mul)
            values[graph.node[mul].output[0]] = emit(try add(.activation(.swish), [x.id], name: "Swish"), hint: graph.node[mul].output[0], "swish(\(x.name))")
            return
        }
        guard let f = try activation(of: node) else { throw ONNXUnsupported("this activation") }
        bind(node, try add(.activation(f), [x.id], name: f.typeName), activationCall(f, x.name))
    }

    func clipBounds(_ node: Onnx_NodeProto) throws -> (Float, Float) {
        if opset < 11 { return (float(node, "min", -.infinity), float(node, "max", .infinity)) }
        let low = try constant(node, 1), high = try constant(node, 2)
        return (low?.floats.first ?? -.infinity, high?.floats.first ?? .infinity)
    }

    mutating func clip(_ node: Onnx_NodeProto) throws {
        // Clip(0, 6) is ReLU6 and Clip(0, none) ReLU; other bounds are a maximum and a minimum.
        if try activation(of: node) != nil { return try activation(node) }
        let x = try tensor(node, 0)
        let (low, high) = try clipBounds(node)
        var current = x
        if low > -.infinity {
            let c = builder.constant([low], shape: [], name: "y")
            current = emit(try add(.binary(.max), [current.id, c], name: "Maximum"), hint: node.output[0] + "_low", "maximum(\(current.name), \(literal(low)))")
        }
        if high < .infinity {
            let c = builder.constant([high], shape: [], name: "y")
            current = emit(try add(.binary(.min), [current.id, c], name: "Minimum"), hint: node.output[0], "minimum(\(current.name), \(literal(high)))")
        }
        values[node.output[0]] = current
    }

    mutating func binary(_ node: Onnx_NodeProto) throws {
        guard node.input.count == 2, input(node, 0) != nil, input(node, 1) != nil else { throw ONNXUnsupported("\(node.opType) of \(node.input.count) inputs") }
        let op: BinaryArithmetic = ["Add": .add, "Sub": .sub, "Mul": .mul, "Div": .div, "Max": .max, "Min": .min][node.opType]!
        if isConstant(node, 0), isConstant(node, 1) {
            constants[node.output[0]] = try fold(op, try constant(node, 0)!, try constant(node, 1)!)
            return
        }
        let tensorRank = [0, 1].compactMap { input(node, $0).flatMap { values[$0] } }.map(rank).max() ?? 0
        // A constant that would raise a computed value to 4-D would leave it in ONNX's order.
        if tensorRank < 4, [0, 1].contains(where: { input(node, $0).flatMap { constants[$0] }.map { $0.dims.count >= 4 } ?? false }) {
            throw ONNXUnsupported("broadcasting a \(tensorRank)-D value to 4-D against a constant")
        }
        var ids: [NodeID] = [], texts: [String] = []
        for i in 0..<2 {
            if let v = values[node.input[i]] {
                if tensorRank == 4, rank(v) != 4, !(builder.graph[v.id].shape.dims.allSatisfy { $0 == 1 }) {
                    throw ONNXUnsupported("broadcasting a \(rank(v))-D value against a 4-D one")
                }
                ids.append(v.id); texts.append(v.name)
            } else {
                let c = try constant(node, i)!
                let (id, text) = try operand(c, against: tensorRank)
                ids.append(id); texts.append(text)
            }
        }
        let id = try add(.binary(op), ids, name: op.typeName)
        let call: String
        switch op {
        case .add: call = "\(texts[0]) + \(texts[1])"
        case .sub: call = "\(texts[0]) - \(texts[1])"
        case .mul: call = "\(texts[0]) * \(texts[1])"
        case .div: call = "\(texts[0]) / \(texts[1])"
        case .max: call = "maximum(\(texts[0]), \(texts[1]))"
        case .min: call = "minimum(\(texts[0]), \(texts[1]))"
        }
        bind(node, id, call)
    }

    /// A constant operand of an elementwise op on a value of rank `rank`: a number, a
    /// `constant(...)` for a few values, else a variable; 4-D broadcasts turned NHWC.
    mutating func operand(_ c: ONNXConstant, against rank: Int) throws -> (NodeID, String) {
        if c.count == 1 {
            return (builder.constant([c.floats[0]], shape: [], name: "y"), literal(c.floats[0]))
        }
        var dims = c.dims, v = c.floats
        if rank == 4 {
            guard dims.count <= 4 else { throw ONNXImportError("a \(dims.count)-D constant cannot broadcast against a 4-D value") }
            dims = [Int](repeating: 1, count: 4 - dims.count) + dims
            let (n, ch, h, w) = (dims[0], dims[1], dims[2], dims[3])
            var nhwc = [Float](repeating: 0, count: v.count)
            for a in 0..<n { for b in 0..<ch { for y in 0..<h { for x in 0..<w {
                nhwc[((a * h + y) * w + x) * ch + b] = v[((a * ch + b) * h + y) * w + x]
            } } } }
            (dims, v) = ([n, h, w, ch], nhwc)
        }
        if v.count <= 16 {
            return (builder.constant(v, shape: dims, name: "Const"),
                    "constant([\(v.map(literal).joined(separator: ", "))], shape=\(pythonList(dims)))")
        }
        let name = "constants/" + identifier("c")
        let id = try ONNXImportError.wrap { try builder.variable(name, shape: dims) }
        weights.append((name, HostTensor(shape: dims, data: v)))
        return (id, "get_variable(\(quote(name)), \(pythonList(dims)))")
    }

    /// a op b on constants, NumPy broadcasting, integers staying integers for shape arithmetic.
    func fold(_ op: BinaryArithmetic, _ a: ONNXConstant, _ b: ONNXConstant) throws -> ONNXConstant {
        let rank = max(a.dims.count, b.dims.count)
        let ad = [Int](repeating: 1, count: rank - a.dims.count) + a.dims, bd = [Int](repeating: 1, count: rank - b.dims.count) + b.dims
        var out: [Int] = []
        for (x, y) in zip(ad, bd) {
            guard x == y || x == 1 || y == 1 else { throw ONNXImportError("cannot broadcast constants of shapes \(a.dims) and \(b.dims)") }
            out.append(max(x, y))
        }
        let count = out.reduce(1, *)
        guard count <= 1 << 20 else { throw ONNXUnsupported("folding a constant of \(count) values") }
        func index(_ i: Int, _ d: [Int]) -> Int {
            var rem = i, result = 0, scale = 1
            for axis in stride(from: rank - 1, through: 0, by: -1) {
                let k = rem % out[axis]; rem /= out[axis]
                if d[axis] != 1 { result += k * scale }
                scale *= d[axis]
            }
            return result
        }
        if a.isInteger, b.isInteger {
            let x = a.ints, y = b.ints
            // Overflow or division by zero makes the value unknown, as an unknown size would be.
            return ONNXConstant(dims: out, ints: (0..<count).map { i in
                guard let p = x[index(i, ad)], let q = y[index(i, bd)] else { return nil }
                switch op {
                case .add: let (v, o) = p.addingReportingOverflow(q); return o ? nil : v
                case .sub: let (v, o) = p.subtractingReportingOverflow(q); return o ? nil : v
                case .mul: let (v, o) = p.multipliedReportingOverflow(by: q); return o ? nil : v
                case .div: let (v, o) = p.dividedReportingOverflow(by: q); return q == 0 || o ? nil : v
                case .max: return max(p, q)
                case .min: return min(p, q)
                }
            })
        }
        let x = a.floats, y = b.floats
        return ONNXConstant(dims: out, floats: (0..<count).map { op(x[index($0, ad)], y[index($0, bd)]) })
    }

    // MARK: Shapes and layouts

    mutating func flatten(_ node: Onnx_NodeProto) throws {
        let x = try tensor(node, 0)
        let shape = onnxShape(x)
        var axis = int(node, "axis", 1)
        if axis < 0 { axis += shape.count }
        guard axis >= 0, axis <= shape.count else { throw ONNXImportError("axis \(axis) is out of range") }
        func product(_ d: ArraySlice<Int?>) -> Int? { d.reduce(Optional(1)) { p, v in p.flatMap { a in v.map { a * $0 } } } }
        try reshape(node, x, to: [product(shape[..<axis]), product(shape[axis...])])
    }

    mutating func reshape(_ node: Onnx_NodeProto) throws {
        let x = try tensor(node, 0)
        guard let target = try constant(node, 1) else { throw ONNXImportError("Reshape needs a shape") }
        let input = onnxShape(x)
        let allowZero = int(node, "allowzero", 0) == 1
        var dims: [Int?] = []
        var inferred: Int?
        for (i, d) in target.ints.enumerated() {
            switch d {
            case nil: dims.append(nil)
            case let v? where v == 0 && !allowZero:
                guard i < input.count else { throw ONNXImportError("shape entry \(i) copies a dimension the input does not have") }
                dims.append(input[i])
            case let v? where v == -1: inferred = i; dims.append(nil)
            case let v?:
                guard v > 0 else { throw ONNXUnsupported("reshape to a dimension of \(v)") }
                dims.append(Int(v))
            }
        }
        // One unknown stays unknown (-1 in the file); with two (the batch and a -1), the -1 is
        // worked out from the sizes known.
        if let inferred, dims.filter({ $0 == nil }).count > 1 {
            let known = input.dropFirst().reduce(Optional(1)) { p, v in p.flatMap { a in v.map { a * $0 } } }
            let others = dims.enumerated().filter { $0.offset != inferred }.compactMap(\.element).reduce(1, *)
            guard !input.isEmpty, input[0] == nil, let known, others > 0, known % others == 0, dims[0] == nil else {
                throw ONNXUnsupported("a reshape with more than one size unknown at import time")
            }
            dims[inferred] = known / others
        }
        try reshape(node, x, to: dims)
    }

    mutating func squeeze(_ node: Onnx_NodeProto) throws {
        var axes = ints(node, "axes")
        if opset >= 13, let c = try constant(node, 1) { axes = c.ints.map { Int($0 ?? 0) } }
        if let c = input(node, 0).flatMap({ constants[$0] }) {
            let r = c.dims.count
            let drop = Set((axes ?? c.dims.indices.filter { c.dims[$0] == 1 }).map { $0 < 0 ? $0 + r : $0 })
            guard drop.allSatisfy({ $0 >= 0 && $0 < r && c.dims[$0] == 1 }) else { throw ONNXImportError("Squeeze axes must be axes of size 1 of \(c.dims)") }
            constants[node.output[0]] = ONNXConstant(dims: c.dims.enumerated().filter { !drop.contains($0.offset) }.map(\.element), values: c.values)
            return
        }
        let x = try tensor(node, 0)
        let shape = onnxShape(x)
        let drop = Set((axes ?? shape.indices.filter { shape[$0] == 1 }).map { $0 < 0 ? $0 + shape.count : $0 })
        try reshape(node, x, to: shape.enumerated().filter { !drop.contains($0.offset) }.map(\.element))
    }

    mutating func unsqueeze(_ node: Onnx_NodeProto) throws {
        var axes = ints(node, "axes") ?? []
        if opset >= 13, let c = try constant(node, 1) { axes = c.ints.map { Int($0 ?? 0) } }
        func inserting(_ dims: [Int?]) throws -> [Int?] {
            let r = dims.count + axes.count
            let at = Set(axes.map { $0 < 0 ? $0 + r : $0 })
            guard at.count == axes.count, at.allSatisfy({ $0 >= 0 && $0 < r }) else { throw ONNXImportError("Unsqueeze axes \(axes) are not distinct axes of the result") }
            var source = dims.makeIterator()
            return (0..<r).map { at.contains($0) ? 1 : source.next() ?? 1 }
        }
        if let c = input(node, 0).flatMap({ constants[$0] }) {
            constants[node.output[0]] = ONNXConstant(dims: try inserting(c.dims).map { $0 ?? 1 }, values: c.values)
            return
        }
        let x = try tensor(node, 0)
        try reshape(node, x, to: try inserting(onnxShape(x)))
    }

    /// Binds the node's output to `x` reshaped to ONNX dims `dims` (nil: unknown): the data
    /// taken in ONNX's element order, and a 4-D result turned NHWC. A 4-D value whose
    /// height and width are 1, or whose channels are 1, has the same order in both layouts,
    /// so it needs no transpose.
    mutating func reshape(_ node: Onnx_NodeProto, _ x: ImportedValue, to dims: [Int?]) throws {
        guard dims.filter({ $0 == nil }).count <= 1 else { throw ONNXUnsupported("a reshape with more than one size unknown at import time") }
        func sameOrder(_ d: [Int?]) -> Bool { d.count != 4 || (d[2] == 1 && d[3] == 1) || d[1] == 1 }
        var source = x
        let inputShape = onnxShape(x)
        if rank(x) == 4, !sameOrder(inputShape) {
            let t = try add(.transpose([0, 3, 1, 2]), [x.id], name: "transpose")
            source = emit(t, hint: node.output[0] + "_nchw", "transpose(\(x.name), [0, 3, 1, 2])")
        }
        if dims.count == 4, sameOrder(dims) {
            let nhwc = [dims[0], dims[2], dims[3], dims[1]].map { $0 ?? -1 }
            bind(node, try add(.reshape(nhwc), [source.id], name: "Reshape"), "reshape(\(source.name), \(pythonList(nhwc)))")
        } else if dims.count == 4 {
            let nchw = dims.map { $0 ?? -1 }
            let r = emit(try add(.reshape(nchw), [source.id], name: "Reshape"), hint: node.output[0] + "_nchw", "reshape(\(source.name), \(pythonList(nchw)))")
            bind(node, try add(.transpose([0, 2, 3, 1]), [r.id], name: "transpose"), "transpose(\(r.name), [0, 2, 3, 1])")
        } else {
            let plain = dims.map { $0 ?? -1 }
            bind(node, try add(.reshape(plain), [source.id], name: "Reshape"), "reshape(\(source.name), \(pythonList(plain)))")
        }
    }

    mutating func transpose(_ node: Onnx_NodeProto) throws {
        let x = try tensor(node, 0)
        let r = rank(x)
        let perm = ints(node, "perm") ?? Array((0..<r).reversed())
        guard perm.sorted() == Array(0..<r) else { throw ONNXImportError("perm \(perm) is not a permutation of \(r) axes") }
        // In the file: output axis i (NHWC when 4-D) is input axis q[i].
        let q = r == 4 ? [0, 2, 3, 1].map { Self.toNHWC[perm[$0]] } : perm
        if q == Array(0..<r) { values[node.output[0]] = x; return }
        bind(node, try add(.transpose(q), [x.id], name: "transpose"), "transpose(\(x.name), \(pythonList(q)))")
    }

    mutating func concat(_ node: Onnx_NodeProto) throws {
        var axis = int(node, "axis", 0)
        guard !node.input.isEmpty, node.input.allSatisfy({ !$0.isEmpty }) else { throw ONNXImportError("Concat needs inputs") }
        if node.input.allSatisfy({ constants[$0] != nil }) {
            let parts = node.input.map { constants[$0]! }
            let r = parts[0].dims.count
            if axis < 0 { axis += r }
            guard r == 1, axis == 0 else { throw ONNXUnsupported("folding a concatenation of \(r)-D constants") }
            if parts.allSatisfy(\.isInteger) {
                constants[node.output[0]] = ONNXConstant(dims: [parts.map(\.count).reduce(0, +)], ints: parts.flatMap(\.ints))
            } else {
                constants[node.output[0]] = ONNXConstant(dims: [parts.map(\.count).reduce(0, +)], floats: parts.flatMap(\.floats))
            }
            return
        }
        let inputs = try node.input.indices.map { try tensor(node, $0) }
        let r = rank(inputs[0])
        if axis < 0 { axis += r }
        guard axis >= 0, axis < r else { throw ONNXImportError("axis \(axis) is out of range for rank \(r)") }
        let fileAxis = r == 4 ? Self.toNHWC[axis] : axis
        bind(node, try add(.concat(axis: fileAxis), inputs.map(\.id), name: "concat"),
             "concat([\(inputs.map(\.name).joined(separator: ", "))], \(fileAxis))")
    }

    mutating func pad(_ node: Onnx_NodeProto) throws {
        let x = try tensor(node, 0)
        let mode = string(node, "mode", "constant")
        guard mode == "constant" || mode == "reflect" else { throw ONNXUnsupported("\(mode) padding") }
        let pads: [Int]
        let value: Float
        if opset < 11 {
            pads = ints(node, "pads") ?? []
            value = float(node, "value", 0)
        } else {
            guard let p = try constant(node, 1) else { throw ONNXImportError("Pad needs pads") }
            pads = p.ints.map { Int($0 ?? 0) }
            value = try constant(node, 2)?.floats.first ?? 0
            if input(node, 3) != nil { throw ONNXUnsupported("Pad with axes") }
        }
        guard value == 0 || mode == "reflect" else { throw ONNXUnsupported("padding with \(value) (graphc pads with zeros)") }
        let r = rank(x)
        guard pads.count == 2 * r, pads.allSatisfy({ $0 >= 0 }) else { throw ONNXUnsupported("pads \(pads) for a \(r)-D value (negative pads crop)") }
        var pairs = (0..<r).map { [pads[$0], pads[$0 + r]] }
        if r == 4 { pairs = [0, 2, 3, 1].map { pairs[$0] } }
        if mode == "reflect" {
            let a = MirrorPadAttributes(paddings: pairs, symmetric: false)
            bind(node, try add(.mirrorPad(a), [x.id], name: "MirrorPad"), "pad(\(x.name), \(pythonList(pairs.map { pythonList($0) })), mode='REFLECT')")
            return
        }
        bind(node, try add(.pad(pairs), [x.id], name: "Pad"), "pad(\(x.name), \(pythonList(pairs.map { pythonList($0) })))")
    }

    mutating func resize(_ node: Onnx_NodeProto) throws {
        let x = try tensor(node, 0)
        guard rank(x) == 4 else { throw ONNXUnsupported("resizing a \(rank(x))-D value (graphc resizes images)") }
        let shape = onnxShape(x)
        guard let inH = shape[2], let inW = shape[3] else { throw ONNXUnsupported("resizing an image of unknown size") }
        let method: ResizeAttributes.Method
        switch string(node, "mode", "nearest") {
        case "nearest": method = .nearest
        case "linear", "bilinear": method = .bilinear
        case let other: throw ONNXUnsupported("\(other) interpolation")
        }
        // Upsample and opset 10's Resize take scales and map asymmetrically.
        let legacy = node.opType == "Upsample" || opset < 11
        var coordinates = ResizeAttributes.Coordinates.asymmetric
        var rounding = ResizeAttributes.Rounding.floor
        if !legacy {
            let mode = string(node, "coordinate_transformation_mode", "half_pixel")
            guard let c = ResizeAttributes.Coordinates(rawValue: mode) else { throw ONNXUnsupported("coordinate_transformation_mode '\(mode)'") }
            coordinates = c
            let nearestMode = string(node, "nearest_mode", "round_prefer_floor")
            guard let r = ResizeAttributes.Rounding(rawValue: nearestMode) else { throw ONNXUnsupported("nearest_mode '\(nearestMode)'") }
            rounding = r
            if int(node, "antialias", 0) != 0 { throw ONNXUnsupported("antialiased resizing") }
            if int(node, "exclude_outside", 0) != 0 { throw ONNXUnsupported("exclude_outside") }
            if ints(node, "axes") != nil { throw ONNXUnsupported("Resize with axes") }
        }
        var scales: [Float]?
        var sizes: [Int]?
        if node.opType == "Upsample", opset < 9 {
            scales = attribute(node, "scales")?.floats
        } else {
            let scaleInput = legacy ? 1 : 2
            if let c = try constant(node, scaleInput), c.count > 0 { scales = c.floats }
            if !legacy, let c = try constant(node, 3), c.count > 0 { sizes = c.ints.map { Int($0 ?? -1) } }
        }
        let height: Int, width: Int
        var scaleH: Float?, scaleW: Float?
        if let sizes {
            guard sizes.count == 4, sizes[0] == shape[0] ?? sizes[0], sizes[1] == shape[1] ?? sizes[1], sizes[2] > 0, sizes[3] > 0 else {
                throw ONNXUnsupported("resizing to sizes \(sizes) (only height and width may change)")
            }
            (height, width) = (sizes[2], sizes[3])
        } else if let scales {
            guard scales.count == 4, scales[0] == 1, scales[1] == 1, scales[2] >= 1e-6, scales[3] >= 1e-6, scales[2] <= 1e6, scales[3] <= 1e6,
                  Float(inH) * scales[2] < 1e7, Float(inW) * scales[3] < 1e7 else {
                throw ONNXUnsupported("resizing by scales \(scales) (only height and width may change)")
            }
            (height, width) = (Int((Float(inH) * scales[2]).rounded(.down)), Int((Float(inW) * scales[3]).rounded(.down)))
            (scaleH, scaleW) = (scales[2], scales[3])
            // An integral scale maps exactly as in / out does; only fractional ones need keeping.
            if Float(height) == Float(inH) * scales[2], Float(width) == Float(inW) * scales[3] { (scaleH, scaleW) = (nil, nil) }
        } else {
            throw ONNXImportError("Resize needs scales or sizes")
        }
        // Rounding only matters to nearest; bilinear keeps the DSL's default so both routes build one op.
        if method == .bilinear { rounding = .floor }
        let a = ResizeAttributes(height: height, width: width, method: method, coordinates: coordinates, rounding: rounding, scaleH: scaleH, scaleW: scaleW)
        let id = try add(.resize(a), [x.id], name: a.typeName)
        var call = "\(a.method == .bilinear ? "resize_bilinear" : "resize_nearest_neighbor")(\(x.name), [\(height), \(width)]"
        // The DSL speaks TF's options; ONNX's other mappings are written as they are.
        switch (a.method, a.coordinates, a.rounding) {
        case (.bilinear, .asymmetric, _), (.nearest, .asymmetric, .floor): break
        case (.bilinear, .halfPixel, _), (.nearest, .tfHalfPixelForNN, .floor): call += ", half_pixel_centers=True"
        case (.bilinear, .alignCorners, _), (.nearest, .alignCorners, .roundPreferCeil): call += ", align_corners=True"
        default: call += ", coordinates=\(quote(a.coordinates.rawValue))" + (a.method == .nearest ? ", rounding=\(quote(a.rounding.rawValue))" : "")
        }
        if let scaleH, let scaleW { call += ", scales=[\(literal(scaleH)), \(literal(scaleW))]" }
        bind(node, id, call + ")")
    }

    mutating func identity(_ node: Onnx_NodeProto) throws {
        guard let name = input(node, 0) else { throw ONNXImportError("missing input") }
        if node.opType == "Dropout", node.output.count > 1, readers[node.output[1], default: 0] > 0 { throw ONNXUnsupported("Dropout's mask output") }
        if let c = constants[name] { constants[node.output[0]] = c; return }
        values[node.output[0]] = try tensor(node, 0)
    }

    // MARK: Constants and shape arithmetic

    mutating func constantNode(_ node: Onnx_NodeProto) throws {
        guard let a = node.attribute.first else { throw ONNXImportError("Constant has no value") }
        switch a.name {
        case "value": constants[node.output[0]] = try ONNXConstant(a.t, modelFolder: "", external: &external)
        case "value_float": constants[node.output[0]] = ONNXConstant(dims: [], floats: [a.f])
        case "value_floats": constants[node.output[0]] = ONNXConstant(dims: [a.floats.count], floats: a.floats)
        case "value_int": constants[node.output[0]] = ONNXConstant(dims: [], ints: [a.i])
        case "value_ints": constants[node.output[0]] = ONNXConstant(dims: [a.ints.count], ints: a.ints)
        default: throw ONNXUnsupported("a Constant given as \(a.name)")
        }
    }

    mutating func shape(_ node: Onnx_NodeProto) throws {
        let shape: [Int?]
        if let c = input(node, 0).flatMap({ constants[$0] }) { shape = c.dims } else { shape = onnxShape(try tensor(node, 0)) }
        let r = shape.count
        func clamp(_ v: Int) -> Int { min(max(v < 0 ? v + r : v, 0), r) }
        let start = clamp(int(node, "start", 0)), end = clamp(attribute(node, "end").map { Int($0.i) } ?? r)
        let kept = start < end ? Array(shape[start..<end]) : []
        constants[node.output[0]] = ONNXConstant(dims: [kept.count], ints: kept.map { $0.map(Int64.init) })
    }

    mutating func gather(_ node: Onnx_NodeProto) throws {
        guard let data = input(node, 0).flatMap({ constants[$0] }) else { throw ONNXUnsupported("Gather from a computed tensor") }
        guard let indices = try constant(node, 1) else { throw ONNXImportError("Gather needs indices") }
        var axis = int(node, "axis", 0)
        if axis < 0 { axis += data.dims.count }
        guard axis >= 0, axis < data.dims.count else { throw ONNXImportError("axis \(axis) is out of range") }
        let size = data.dims[axis]
        let picked = try indices.ints.map { i throws -> Int in
            guard let i, i >= -Int64(size), i < Int64(size) else { throw ONNXImportError("index \(indices.ints) is out of range for size \(size)") }
            return Int(i < 0 ? i + Int64(size) : i)
        }
        constants[node.output[0]] = data.gathering(picked, axis: axis, indexDims: indices.dims)
    }

    mutating func cast(_ node: Onnx_NodeProto) throws {
        let to = int(node, "to", 1)
        let isFloat = [1, 10, 11].contains(to)
        if let c = input(node, 0).flatMap({ constants[$0] }) {
            constants[node.output[0]] = isFloat ? ONNXConstant(dims: c.dims, floats: c.floats) : ONNXConstant(dims: c.dims, ints: c.ints)
            return
        }
        guard isFloat else { throw ONNXUnsupported("casting a computed tensor to type \(to)") }
        values[node.output[0]] = try tensor(node, 0)
    }

    mutating func constantOfShape(_ node: Onnx_NodeProto) throws {
        guard let shape = try constant(node, 0) else { throw ONNXImportError("ConstantOfShape needs a shape") }
        let dims = try shape.ints.map { d throws -> Int in
            guard let d, d >= 0 else { throw ONNXUnsupported("ConstantOfShape of a size unknown at import time") }
            return Int(d)
        }
        var count = 1
        for d in dims {
            let (p, o) = count.multipliedReportingOverflow(by: d)
            guard !o, p <= 1 << 20 else { throw ONNXUnsupported("a constant of shape \(dims)") }
            count = p
        }
        let value = try attribute(node, "value").map { try ONNXConstant($0.t, modelFolder: "", external: &external) } ?? ONNXConstant(dims: [1], floats: [0])
        constants[node.output[0]] = value.isInteger
            ? ONNXConstant(dims: dims, ints: [Int64?](repeating: value.ints.first ?? 0, count: count))
            : ONNXConstant(dims: dims, floats: [Float](repeating: value.floats.first ?? 0, count: count))
    }

    // MARK: Windows

    /// A convolution's or pool's padding. ONNX's SAME_UPPER is TF's SAME (the extra pixel
    /// at the end) and stays 'SAME' for convolutions (`tfSame`); pools get explicit pads, as
    /// TF's SAME average pooling would not count the padding.
    func windowPadding(_ node: Onnx_NodeProto, _ x: ImportedValue, window: (Int, Int), strides: [Int], tfSame: Bool) throws -> Padding {
        guard strides.count == 2, strides.allSatisfy({ $0 >= 1 }) else { throw ONNXImportError("strides must be 2 positive values, got \(strides)") }
        switch string(node, "auto_pad", "NOTSET") {
        case "NOTSET":
            let p = ints(node, "pads") ?? [0, 0, 0, 0]
            guard p.count == 4 else { throw ONNXImportError("pads must have 4 values, got \(p)") }
            return p.allSatisfy { $0 == 0 } ? .valid : .explicit(top: p[0], bottom: p[2], left: p[1], right: p[3])
        case "VALID":
            return .valid
        case let mode where mode == "SAME_UPPER" || mode == "SAME_LOWER":
            if mode == "SAME_UPPER", tfSame { return .same }
            let s = onnxShape(x)
            guard let h = s[2], let w = s[3] else { throw ONNXUnsupported("\(mode) padding of an input of unknown size") }
            func split(_ input: Int, _ window: Int, _ stride: Int) -> (Int, Int) {
                let out = (input + stride - 1) / stride
                let total = max((out - 1) * stride + window - input, 0)
                return mode == "SAME_UPPER" ? (total / 2, total - total / 2) : (total - total / 2, total / 2)
            }
            let (t, b) = split(h, window.0, strides[0]), (l, r) = split(w, window.1, strides[1])
            return t + b + l + r == 0 ? .valid : .explicit(top: t, bottom: b, left: l, right: r)
        case let other:
            throw ONNXImportError("auto_pad '\(other)' is not an ONNX padding mode")
        }
    }

    func paddingText(_ p: Padding) -> String {
        switch p {
        case .same: return "'SAME'"
        case .valid: return "'VALID'"
        case let .explicit(t, b, l, r): return "[[\(t), \(b)], [\(l), \(r)]]"
        }
    }
}

extension ONNXImportError {
    /// Runs a builder call, its shape errors becoming import errors.
    static func wrap<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as ShapeError { throw ONNXImportError(e.message) }
    }
}
