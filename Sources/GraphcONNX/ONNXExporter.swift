import Foundation
import GraphcIR
import SwiftProtobuf

/// A graph graphc cannot write as ONNX, with the node that stops it.
public struct ONNXExportError: Error, Sendable, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Writes a graph (as evaluated, before optimization) with its weights as an ONNX model, so
/// the same network runs in ONNX Runtime and opens in Netron.
///
/// The model takes and returns exactly the arrays graphc does: its inputs and outputs are
/// NHWC. Inside, 4-D values are NCHW, ONNX's layout, so every convolution and pool is the
/// native ONNX op and ONNX Runtime runs its own fastest path: a Transpose follows each 4-D
/// input, precedes each 4-D output, and surrounds the few ops whose axes do not survive the
/// change of layout (reshape, squeeze, softmax over channels, broadcasts of a vector against a
/// 4-D value). Weights are transposed once, here (HWIO to OIHW). Opset 13.
public struct ONNXExporter {
    public static let opset: Int64 = 13

    private let graph: Graph
    private let weights: WeightStore
    private var nodes: [Onnx_NodeProto] = []
    private var initializers: [Onnx_TensorProto] = []
    private var initialized: Set<String> = []
    /// Whether each computed value is held NCHW (4-D values) or as graphc holds it.
    private var isNCHW: [Bool]
    /// The name of the other-layout copy of a value, once made.
    private var converted: [NodeID: String] = [:]

    private init(_ graph: Graph, _ weights: WeightStore) {
        self.graph = graph
        self.weights = weights
        isNCHW = [Bool](repeating: false, count: graph.nodes.count)
    }

    /// The serialized `ModelProto` of `graph`, its variables' values read from `weights`.
    public static func export(_ graph: Graph, weights: WeightStore, name: String) throws(ONNXExportError) -> Data {
        var exporter = ONNXExporter(graph, weights)
        let model = try exporter.model(name: name)
        do { return try model.serializedData() } catch { throw ONNXExportError("could not serialize the ONNX model: \(error)") }
    }

    private mutating func model(name: String) throws(ONNXExportError) -> Onnx_ModelProto {
        var g = Onnx_GraphProto()
        g.name = name
        // Only what the results depend on: ONNX Runtime requires every graph input to be fed,
        // so an unused placeholder (a test input the file also defines) would become one.
        var live = [Bool](repeating: false, count: graph.nodes.count)
        for id in graph.outputs { live[id] = true }
        for node in graph.nodes.reversed() where live[node.id] { for i in node.inputs { live[i] = true } }
        for node in graph.nodes where live[node.id] && !node.op.isSource { try emit(node) }
        for p in graph.placeholders where live[p.id] { g.input.append(valueInfo(p.name, p.shape)) }
        for id in graph.outputs {
            let node = graph[id]
            let value = try nhwc(id)
            if value != node.name {
                // A result computed NCHW: the NCHW value is renamed, so the NHWC copy can take the
                // result's name (one producer per name).
                let inner = node.name + "/NCHW"
                for i in nodes.indices {
                    nodes[i].input = nodes[i].input.map { $0 == node.name ? inner : $0 }
                    nodes[i].output = nodes[i].output.map { $0 == node.name ? inner : $0 }
                    if nodes[i].name == node.name { nodes[i].name = inner }  // node names are unique too
                }
                add("Identity", [value], node.name)
            }
            g.output.append(valueInfo(node.name, node.shape))
        }
        g.node = nodes
        g.initializer = initializers
        var m = Onnx_ModelProto()
        m.irVersion = 7
        m.producerName = "graphc"
        m.graph = g
        var set = Onnx_OperatorSetIdProto()
        set.domain = ""
        set.version = Self.opset
        m.opsetImport = [set]
        return m
    }

    // MARK: Values and layouts

    private func valueInfo(_ name: String, _ shape: TensorShape) -> Onnx_ValueInfoProto {
        var tensor = Onnx_TypeProto.Tensor()
        tensor.elemType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        var s = Onnx_TensorShapeProto()
        for (axis, d) in shape.dims.enumerated() {
            var dim = Onnx_TensorShapeProto.Dimension()
            // Unknown sizes get names of their own: a shared name would tell ONNX Runtime they are equal.
            if let d { dim.dimValue = Int64(d) } else { dim.dimParam = axis == 0 ? "batch" : "\(name)_dim\(axis)" }
            s.dim.append(dim)
        }
        tensor.shape = s
        var type = Onnx_TypeProto()
        type.tensorType = tensor
        var info = Onnx_ValueInfoProto()
        info.name = name
        info.type = type
        return info
    }

    @discardableResult
    private mutating func add(_ type: String, _ inputs: [String], _ output: String, _ attributes: [Onnx_AttributeProto] = []) -> String {
        var n = Onnx_NodeProto()
        n.opType = type
        n.name = output
        n.input = inputs
        n.output = [output]
        n.attribute = attributes
        nodes.append(n)
        return output
    }

    private func ints(_ name: String, _ values: [Int]) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .ints
        a.ints = values.map(Int64.init)
        return a
    }

    private func int(_ name: String, _ value: Int) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .int
        a.i = Int64(value)
        return a
    }

    private func float(_ name: String, _ value: Float) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .float
        a.f = value
        return a
    }

    private func string(_ name: String, _ value: String) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .string
        a.s = Data(value.utf8)
        return a
    }

    /// A float initializer named `name` (made once).
    private mutating func constant(_ name: String, dims: [Int], _ values: [Float]) -> String {
        guard initialized.insert(name).inserted else { return name }
        var t = Onnx_TensorProto()
        t.name = name
        t.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        t.dims = dims.map(Int64.init)
        t.rawData = values.withUnsafeBufferPointer { Data(buffer: $0) }
        initializers.append(t)
        return name
    }

    /// An int64 initializer (shapes, axes, pads).
    private mutating func int64s(_ name: String, _ values: [Int]) -> String {
        guard initialized.insert(name).inserted else { return name }
        var t = Onnx_TensorProto()
        t.name = name
        t.dataType = Int32(Onnx_TensorProto.DataType.int64.rawValue)
        t.dims = [Int64(values.count)]
        t.int64Data = values.map(Int64.init)
        initializers.append(t)
        return name
    }

    /// The values of a variable or constant input, for weights that must be rearranged.
    private func values(_ id: NodeID, of user: Node) throws(ONNXExportError) -> [Float] {
        let n = graph[id]
        let count = n.shape.elementCountPerUnknown
        switch n.op {
        case .variable:
            guard let v = weights.values(n.name, count: count) else { throw ONNXExportError("no value for variable '\(n.name)'") }
            return v
        case let .constant(v):
            return v.count == count ? v : [Float](repeating: v.first ?? 0, count: count)
        default:
            throw ONNXExportError("'\(user.name)' (\(user.op.typeName)) reads '\(n.name)' as its weights; ONNX export needs them to be variables or constants")
        }
    }

    private func dims(_ id: NodeID) -> [Int] { graph[id].shape.dims.map { $0 ?? 1 } }

    /// The name of `id`'s value as graphc holds it (NHWC for 4-D values).
    private mutating func nhwc(_ id: NodeID) throws(ONNXExportError) -> String {
        let node = graph[id]
        if node.op.isSource { return try source(id) }
        guard isNCHW[id] else { return node.name }
        if let c = converted[id] { return c }
        let name = add("Transpose", [node.name], node.name + "/to_NHWC", [ints("perm", [0, 2, 3, 1])])
        converted[id] = name
        return name
    }

    /// The name of `id`'s value in NCHW (4-D values only).
    private mutating func nchw(_ id: NodeID) throws(ONNXExportError) -> String {
        let node = graph[id]
        precondition(node.shape.rank == 4)
        if isNCHW[id] { return node.name }
        if let c = converted[id] { return c }
        let from = node.op.isSource ? try source(id) : node.name
        let name = add("Transpose", [from], node.name + "/to_NCHW", [ints("perm", [0, 3, 1, 2])])
        converted[id] = name
        return name
    }

    /// A placeholder (graph input), variable or constant as it is.
    private mutating func source(_ id: NodeID) throws(ONNXExportError) -> String {
        let node = graph[id]
        switch node.op {
        case .placeholder: return node.name
        default: return constant(node.name, dims: dims(id), try values(id, of: node))
        }
    }

    /// A per-channel vector shaped to broadcast against an NCHW value: [C, 1, 1].
    private mutating func channelVector(_ id: NodeID, of user: Node) throws(ONNXExportError) -> String {
        let v = try values(id, of: user)
        return constant(graph[id].name + "/C11", dims: [v.count, 1, 1], v)
    }

    private static let toNCHW = [0, 3, 1, 2]

    // MARK: Ops

    private mutating func emit(_ node: Node) throws(ONNXExportError) {
        let x = node.inputs.first ?? 0
        let rank4 = node.shape.rank == 4
        switch node.op {
        case .placeholder, .variable, .constant:
            return
        case let .conv2d(a):
            guard a.algorithm == nil else { throw ONNXExportError("'\(node.name)' is a Winograd convolution: export the graph before optimization") }
            guard a.weightLayout == nil else { throw ONNXExportError("'\(node.name)' has packed weights: export the graph before optimization") }
            var w = dims(node.inputs[1])
            let hwio = try values(node.inputs[1], of: node)
            // Depthwise [kh, kw, C, m] is grouped [kh, kw, 1, C * m] in the same memory.
            let groups = a.depthwise == true ? w[2] : (a.groups ?? 1)
            if a.depthwise == true { w = [w[0], w[1], 1, w[2] * w[3]] }
            let (kh, kw, cin, cout) = (w[0], w[1], w[2], w[3])
            var oihw = [Float](repeating: 0, count: hwio.count)
            for y in 0..<kh { for xx in 0..<kw { for i in 0..<cin { for o in 0..<cout {
                oihw[((o * cin + i) * kh + y) * kw + xx] = hwio[((y * kw + xx) * cin + i) * cout + o]
            } } } }
            let weightsName = constant(graph[node.inputs[1]].name + "/OIHW", dims: [cout, cin, kh, kw], oihw)
            var inputs = [try nchw(x), weightsName]
            if let b = node.input(.bias) { inputs.append(try source(b)) }
            let pads = try explicitPads(a.padding, node: node, windowH: (kh - 1) * a.dilationH + 1, windowW: (kw - 1) * a.dilationW + 1,
                                        strideH: a.strideH, strideW: a.strideW)
            var out = add("Conv", inputs, node.name + (a.epilogue.residual || a.epilogue.activation != nil ? "/Conv" : ""), [
                ints("kernel_shape", [kh, kw]), ints("strides", [a.strideH, a.strideW]), ints("dilations", [a.dilationH, a.dilationW]),
                ints("pads", [pads.0, pads.2, pads.1, pads.3]), int("group", groups),
            ])
            out = try epilogue(node, a.epilogue, after: out, bias: false, nchwLayout: true)
            isNCHW[node.id] = true
        case let .conv2dTranspose(a):
            let w = dims(node.inputs[1])
            let hwoi = try values(node.inputs[1], of: node)
            let (kh, kw, cout, cin) = (w[0], w[1], w[2], w[3])
            var iohw = [Float](repeating: 0, count: hwoi.count)
            for y in 0..<kh { for xx in 0..<kw { for o in 0..<cout { for i in 0..<cin {
                iohw[((i * cout + o) * kh + y) * kw + xx] = hwoi[((y * kw + xx) * cout + o) * cin + i]
            } } } }
            let s = graph[x].shape
            guard let inH = s[1], let inW = s[2] else { throw unsupported(node, "a transposed convolution of an input with unknown size") }
            let v = a.crop(input: inH, kernel: kh, stride: a.strideH, vertical: true), h = a.crop(input: inW, kernel: kw, stride: a.strideW, vertical: false)
            var inputs = [try nchw(x), constant(graph[node.inputs[1]].name + "/IOHW", dims: [cin, cout, kh, kw], iohw)]
            if let b = node.input(.bias) { inputs.append(try source(b)) }
            // Zero rows added at the end are ONNX's output_padding.
            let out = add("ConvTranspose", inputs, node.name + (a.epilogue.residual || a.epilogue.activation != nil ? "/ConvTranspose" : ""), [
                ints("kernel_shape", [kh, kw]), ints("strides", [a.strideH, a.strideW]),
                ints("pads", [v.before, h.before, max(v.after, 0), max(h.after, 0)]), ints("output_padding", [max(-v.after, 0), max(-h.after, 0)]),
            ])
            _ = try epilogue(node, a.epilogue, after: out, bias: false, nchwLayout: true)
            isNCHW[node.id] = true
        case .biasAdd:
            if rank4 {
                add("Add", [try nchw(x), try channelVector(node.inputs[1], of: node)], node.name)
                isNCHW[node.id] = true
            } else {
                add("Add", [try nhwc(x), try source(node.inputs[1])], node.name)
            }
        case let .batchNorm(epsilon, hasScale, hasOffset):
            guard rank4 || node.shape.rank == 2 else { throw unsupported(node, "batch norm of a \(node.shape.rank)-D value") }
            guard let last = node.shape.dims.last, let c = last else { throw unsupported(node, "batch norm with an unknown channel count") }
            let gamma = hasScale ? try source(node.input(.gamma)!) : constant(node.name + "/ones", dims: [c], [Float](repeating: 1, count: c))
            let beta = hasOffset ? try source(node.input(.beta)!) : constant(node.name + "/zeros", dims: [c], [Float](repeating: 0, count: c))
            let input = rank4 ? try nchw(x) : try nhwc(x)
            add("BatchNormalization", [input, gamma, beta, try source(node.input(.mean)!), try source(node.input(.variance)!)], node.name,
                [float("epsilon", epsilon)])
            isNCHW[node.id] = rank4
        case let .activation(f):
            let input = isNCHW[x] ? graph[x].name : try nhwc(x)
            activation(f, input, node.name)
            isNCHW[node.id] = isNCHW[x]
        case let .scaleShift(f):
            let input = rank4 ? try nchw(x) : try nhwc(x)
            let scale = rank4 ? try channelVector(node.input(.scale)!, of: node) : try source(node.input(.scale)!)
            let shift = rank4 ? try channelVector(node.input(.shift)!, of: node) : try source(node.input(.shift)!)
            let scaled = add("Mul", [input, scale], node.name + "/scale")
            if let f {
                activation(f, add("Add", [scaled, shift], node.name + "/shift"), node.name)
            } else {
                add("Add", [scaled, shift], node.name)
            }
            isNCHW[node.id] = rank4
        case .softmax:
            add("Softmax", [try nhwc(x)], node.name, [int("axis", -1)])
        case let .maxPool(a), let .avgPool(a):
            guard rank4 else { throw unsupported(node, "pooling of a \(node.shape.rank)-D value") }
            let pads = try explicitPads(a.padding, node: node, windowH: a.windowH, windowW: a.windowW, strideH: a.strideH, strideW: a.strideW)
            var attributes = [ints("kernel_shape", [a.windowH, a.windowW]), ints("strides", [a.strideH, a.strideW]),
                              ints("pads", [pads.0, pads.2, pads.1, pads.3]), int("ceil_mode", a.ceilMode ? 1 : 0)]
            var type = "MaxPool"
            if case .avgPool = node.op {
                type = "AveragePool"
                var includePad = false
                if case .explicit = a.padding { includePad = a.countIncludePad }
                attributes.append(int("count_include_pad", includePad ? 1 : 0))
            }
            add(type, [try nchw(x)], node.name, attributes)
            isNCHW[node.id] = true
        case let .mean(axes, keepDims):
            let inRank = graph[x].shape.rank
            if inRank == 4, keepDims || axes == [1, 2] {
                add("ReduceMean", [try nchw(x)], node.name, [ints("axes", axes.map { Self.toNCHW.firstIndex(of: $0)! }), int("keepdims", keepDims ? 1 : 0)])
                isNCHW[node.id] = keepDims
            } else {
                add("ReduceMean", [try nhwc(x)], node.name, [ints("axes", axes), int("keepdims", keepDims ? 1 : 0)])
            }
        case let .matMul(e):
            let product = add("MatMul", [try nhwc(x), try source(node.input(.weights)!)], e.isEmpty ? node.name : node.name + "/MatMul")
            _ = try epilogue(node, e, after: product, bias: e.bias, nchwLayout: false)
        case let .binary(op):
            let type = ["add": "Add", "mul": "Mul", "sub": "Sub", "div": "Div", "max": "Max", "min": "Min"][op.rawValue]!
            if rank4, node.inputs.allSatisfy({ graph[$0].shape.rank == 4 }) {
                add(type, [try nchw(node.inputs[0]), try nchw(node.inputs[1])], node.name)
                isNCHW[node.id] = true
            } else {
                add(type, [try nhwc(node.inputs[0]), try nhwc(node.inputs[1])], node.name)
            }
        case let .concat(axis):
            if rank4 {
                var inputs: [String] = []
                for i in node.inputs { inputs.append(try nchw(i)) }
                add("Concat", inputs, node.name, [int("axis", Self.toNCHW.firstIndex(of: axis)!)])
                isNCHW[node.id] = true
            } else {
                var inputs: [String] = []
                for i in node.inputs { inputs.append(try nhwc(i)) }
                add("Concat", inputs, node.name, [int("axis", axis)])
            }
        case let .pad(p):
            let before = rank4 ? Self.toNCHW.map { p[$0][0] } : p.map { $0[0] }
            let after = rank4 ? Self.toNCHW.map { p[$0][1] } : p.map { $0[1] }
            add("Pad", [rank4 ? try nchw(x) : try nhwc(x), int64s(node.name + "/pads", before + after)], node.name, [string("mode", "constant")])
            isNCHW[node.id] = rank4
        case let .squeeze(axes):
            add("Squeeze", [try nhwc(x), int64s(node.name + "/axes", axes)], node.name)
        case let .transpose(perm):
            add("Transpose", [try nhwc(x)], node.name, [ints("perm", perm)])
        case let .slice(a):
            // On the value as graphc holds it; Int.max ends run to the end.
            let rank = a.begin.count
            let sliced = add("Slice", [try nhwc(x), int64s(node.name + "/starts", a.begin), int64s(node.name + "/ends", a.end.map { min($0, Int(Int32.max)) }),
                                       int64s(node.name + "/axes", Array(0..<rank)), int64s(node.name + "/steps", a.strides)],
                             a.shrinkAxes.isEmpty ? node.name : node.name + "/Slice")
            if !a.shrinkAxes.isEmpty { add("Squeeze", [sliced, int64s(node.name + "/shrink", a.shrinkAxes)], node.name) }
        case let .reduce(a):
            let type = ["sum": "ReduceSum", "max": "ReduceMax", "min": "ReduceMin"][a.kind.rawValue]!
            if a.kind == .sum {
                add(type, [try nhwc(x), int64s(node.name + "/axes", a.axes)], node.name, [int("keepdims", a.keepDims ? 1 : 0)])
            } else {
                add(type, [try nhwc(x)], node.name, [ints("axes", a.axes), int("keepdims", a.keepDims ? 1 : 0)])
            }
        case let .normalization(a):
            // Opset 13 has InstanceNormalization only (per channel of an NCHW value).
            guard a.kind == .instance || (a.groups == graph[x].shape.dims.last! && a.leadingAxes == 1), rank4 else {
                throw unsupported(node, "\(a.typeName) (ONNX opset \(Self.opset) has instance normalization only)")
            }
            add("InstanceNormalization", [try nchw(x), try source(node.input(.gamma)!), try source(node.input(.beta)!)], node.name,
                [float("epsilon", a.epsilon)])
            isNCHW[node.id] = true
        case let .mirrorPad(a):
            guard !a.symmetric else { throw unsupported(node, "SYMMETRIC padding (ONNX pads by reflect, edge or constant)") }
            let p = a.paddings
            let before = rank4 ? Self.toNCHW.map { p[$0][0] } : p.map { $0[0] }
            let after = rank4 ? Self.toNCHW.map { p[$0][1] } : p.map { $0[1] }
            add("Pad", [rank4 ? try nchw(x) : try nhwc(x), int64s(node.name + "/pads", before + after)], node.name, [string("mode", "reflect")])
            isNCHW[node.id] = rank4
        case let .reshape(shape):
            // A nil dimension is the unknown batch carried over: ONNX's 0 copies it from the input.
            add("Reshape", [try nhwc(x), int64s(node.name + "/shape", shape.map { $0 ?? 0 })], node.name)
        case let .resize(a):
            let s = graph[x].shape
            guard let inH = s[1], let inW = s[2], let c = s[3] else { throw unsupported(node, "resize of an input with unknown size") }
            var attributes = [string("mode", a.method == .bilinear ? "linear" : "nearest"), string("coordinate_transformation_mode", a.coordinates.rawValue)]
            if a.method == .nearest { attributes.append(string("nearest_mode", a.rounding.rawValue)) }
            let (h, w) = (a.height, a.width)
            if a.scaleH == nil, let n = s[0] {
                // Sizes, not scales: ONNX floors in * scale, which a rounded float scale can make one short.
                add("Resize", [try nchw(x), "", "", int64s(node.name + "/sizes", [n, c, h, w])], node.name, attributes)
            } else {
                let scales = constant(node.name + "/scales", dims: [4], [1, 1, a.scaleH ?? Float(h) / Float(inH), a.scaleW ?? Float(w) / Float(inW)])
                add("Resize", [try nchw(x), "", scales], node.name, attributes)
            }
            isNCHW[node.id] = true
        }
    }

    /// Bias (when not already the Conv's), residual and activation after `value`; the last
    /// step takes the node's name.
    private mutating func epilogue(_ node: Node, _ e: Epilogue, after value: String, bias: Bool, nchwLayout: Bool) throws(ONNXExportError) -> String {
        var current = value
        var steps: [(String, [String])] = []
        if bias, let b = node.input(.bias) { steps.append(("Add", [try source(b)])) }
        if e.residual, let r = node.input(.residual) { steps.append(("Add", [nchwLayout ? try nchw(r) : try nhwc(r)])) }
        for (i, step) in steps.enumerated() {
            let last = i == steps.count - 1 && e.activation == nil
            current = add(step.0, [current] + step.1, last ? node.name : node.name + "/\(step.0)_\(i)")
        }
        if let f = e.activation { current = activation(f, current, node.name) }
        return current
    }

    @discardableResult
    private mutating func activation(_ f: Activation, _ input: String, _ output: String) -> String {
        switch f {
        case .relu: return add("Relu", [input], output)
        case .relu6:
            return add("Clip", [input, constant(output + "/min", dims: [], [0]), constant(output + "/max", dims: [], [6])], output)
        case .sigmoid: return add("Sigmoid", [input], output)
        case .tanh: return add("Tanh", [input], output)
        case let .leakyRelu(alpha): return add("LeakyRelu", [input], output, [float("alpha", alpha)])
        case let .elu(alpha): return add("Elu", [input], output, [float("alpha", alpha)])
        case let .hardSigmoid(alpha, beta): return add("HardSigmoid", [input], output, [float("alpha", alpha), float("beta", beta)])
        case .hardSwish: return add("HardSwish", [input], output)
        case .swish: return add("Mul", [input, add("Sigmoid", [input], output + "/Sigmoid")], output)
        case .negative: return add("Neg", [input], output)
        case .erf: return add("Erf", [input], output)
        case let .gelu(tanh):
            // Opset 13 has no Gelu: x/2 * (1 + erf(x / √2)), or x/2 * (1 + tanh(√(2/π) (x + 0.044715 x³))), spelled out.
            let inner: String
            if tanh {
                let cube = add("Mul", [input, add("Mul", [input, input], output + "/square")], output + "/cube")
                let sum = add("Add", [input, add("Mul", [cube, constant(output + "/c", dims: [], [0.044715])], output + "/c_cube")], output + "/sum")
                inner = add("Tanh", [add("Mul", [sum, constant(output + "/k", dims: [], [0.7978845608])], output + "/scaled")], output + "/Tanh")
            } else {
                inner = add("Erf", [add("Mul", [input, constant(output + "/rsqrt2", dims: [], [0.70710678118])], output + "/scaled")], output + "/Erf")
            }
            let cdf = add("Add", [inner, constant(output + "/one", dims: [], [1])], output + "/cdf")
            let half = add("Mul", [input, constant(output + "/half", dims: [], [0.5])], output + "/half_x")
            return add("Mul", [half, cdf], output)
        }
    }

    private func explicitPads(_ padding: Padding, node: Node, windowH: Int, windowW: Int, strideH: Int, strideW: Int) throws(ONNXExportError) -> (Int, Int, Int, Int) {
        let s = graph[node.inputs[0]].shape
        // SAME's pads depend on the input's size (the rule gives none for an unknown one).
        if padding == .same, s[1] == nil || s[2] == nil { throw unsupported(node, "SAME padding of an input with unknown height or width") }
        do {
            return try ShapeInference.explicitPads(padding, inputH: s[1], inputW: s[2], windowH: windowH, windowW: windowW, strideH: strideH, strideW: strideW)
        } catch {
            throw unsupported(node, "padding of an input with unknown size (\(error))")
        }
    }

    private func unsupported(_ node: Node, _ what: String) -> ONNXExportError {
        ONNXExportError("'\(node.name)' (\(node.op.typeName)): ONNX export does not support \(what)")
    }
}
