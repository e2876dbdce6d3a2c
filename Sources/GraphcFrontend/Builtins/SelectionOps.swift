import GraphcDiagnostics
import GraphcIR

/// TF's ops that select, combine and reduce parts of tensors, and slim's normalizations
/// other than batch norm.
extension Library {
    func makeSelectionOps() -> [Builtin] {
        var result: [Builtin] = []
        func axis(_ args: Arguments, _ name: String, rank: Int) throws -> Int {
            let a = try args.int(name)
            let n = a < 0 ? a + rank : a
            guard n >= 0, n < rank else { throw args.error("axis \(a) is out of range for a tensor of rank \(rank)", argument: name) }
            return n
        }
        // tf.nn.depthwise_conv2d with a filter [kh, kw, C, multiplier] (a get_variable), op `depthwise`.
        result.append(Builtin("depthwise_conv2d", Signature([("input", nil), ("filter", nil), ("strides", nil), ("padding", nil), ("rate", Value.none),
                                                            ("name", Value.none), ("data_format", Value.none), ("dilations", Value.none)]), in: [.nn]) { ev, args in
            let x = try args.tensor("input"), w = try args.tensor("filter")
            try ev.checkDataFormat(args)
            let strides = try args.ints("strides")
            guard strides.count == 4, strides[0] == 1, strides[3] == 1 else { throw args.error("strides must be [1, stride_h, stride_w, 1]", argument: "strides") }
            let rateName = args["dilations"].isNone ? "rate" : "dilations"
            var rate = (1, 1)
            if !args[rateName].isNone {
                let r = try args.ints(rateName)
                rate = r.count == 4 ? (r[1], r[2]) : (r.count == 2 ? (r[0], r[1]) : (r[0], r[0]))
            }
            let a = Conv2DAttributes(strideH: strides[1], strideW: strides[2], padding: try ev.padding(args, "padding"),
                                     dilationH: rate.0, dilationW: rate.1, depthwise: true)
            return .tensor(try ev.builder.add(.conv2d(a), [x, w], name: try args.optionalString("name") ?? "depthwise"))
        })
        result.append(Builtin("slice", Signature([("input_", nil), ("begin", nil), ("size", nil), ("name", Value.none)]), in: [.tf]) { ev, args in
            let x = try args.tensor("input_")
            let shape = ev.builder.graph[x].shape
            let begin = try args.ints("begin"), size = try args.ints("size")
            guard begin.count == shape.rank, size.count == shape.rank else { throw args.error("begin and size need one entry per axis of \(shape)") }
            let end = try zip(begin, size).map { b, n -> Int in
                if n == -1 { return Int.max }
                let (e, overflow) = b.addingReportingOverflow(n)
                guard !overflow, b >= 0, n >= 0 else { throw args.error("begin and size must be non-negative (size -1: to the end)") }
                return e
            }
            let a = SliceAttributes(begin: begin, end: end, strides: [Int](repeating: 1, count: shape.rank))
            return .tensor(try ev.builder.add(.slice(a), [x], name: try args.optionalString("name") ?? "Slice"))
        })
        result.append(Builtin("split", Signature([("value", nil), ("num_or_size_splits", nil), ("axis", .int(0)), ("num", Value.none), ("name", .string("split"))]),
                              in: [.tf]) { ev, args in
            // One slice per part, named split, split_1, ... (TF names one op's outputs split:0, split:1).
            let x = try args.tensor("value")
            let shape = ev.builder.graph[x].shape
            let a = try axis(args, "axis", rank: shape.rank)
            guard let size = shape[a] else { throw args.error("split needs axis \(a) of \(shape) to have a known size", argument: "axis") }
            let sizes: [Int]
            if case .int(let n) = args["num_or_size_splits"] {
                guard n > 0, size % n == 0 else { throw args.error("\(size) does not split into \(n) equal parts", argument: "num_or_size_splits") }
                sizes = [Int](repeating: size / n, count: n)
            } else {
                sizes = try args.ints("num_or_size_splits")
                guard sizes.allSatisfy({ $0 >= 0 }), sizes.reduce(0, +) == size else {
                    throw args.error("split sizes \(sizes) must add up to \(size)", argument: "num_or_size_splits")
                }
            }
            var start = 0, parts: [Value] = []
            let name = try args.string("name")
            for s in sizes {
                var begin = [Int](repeating: 0, count: shape.rank), end = [Int](repeating: Int.max, count: shape.rank)
                begin[a] = start; end[a] = start + s
                let attrs = SliceAttributes(begin: begin, end: end, strides: [Int](repeating: 1, count: shape.rank))
                parts.append(.tensor(try ev.builder.add(.slice(attrs), [x], name: name)))
                start += s
            }
            return .list(ListBox(parts))
        })
        let expandDims = Builtin("expand_dims", Signature([("input", nil), ("axis", nil), ("name", Value.none)]), in: [.tf]) { ev, args in
            let x = try args.tensor("input")
            return .tensor(try ev.expandDims(x, args, name: try args.optionalString("name") ?? "ExpandDims"))
        }
        result.append(expandDims)
        result.append(Builtin("stack", Signature([("values", nil), ("axis", .int(0)), ("name", .string("stack"))]), in: [.tf]) { ev, args in
            let values = try ev.sequenceItems(args["values"], at: args.range(of: "values")).map { v -> NodeID in
                guard case .tensor(let t) = v else { throw args.error("stack needs a list of tensors, found \(v.typeName)", argument: "values") }
                return t
            }
            guard let first = values.first else { throw args.error("stack needs at least one tensor", argument: "values") }
            let rank = ev.builder.graph[first].shape.rank + 1
            let a = try axis(args, "axis", rank: rank)
            return .tensor(try ev.builder.withNameScope(try args.string("name")) {
                let expanded = try values.map { try ev.builder.add(.reshape(ev.expandedShape(ev.builder.graph[$0].shape, axis: a)), [$0], name: "ExpandDims") }
                return try ev.builder.add(.concat(axis: a), expanded, name: "concat")
            })
        })
        for (name, kind) in [("reduce_sum", ReduceAttributes.Kind.sum), ("reduce_max", .max), ("reduce_min", .min)] {
            result.append(Builtin(name, Signature([("input_tensor", nil), ("axis", Value.none), ("keepdims", Value.none), ("name", Value.none),
                                                  ("reduction_indices", Value.none), ("keep_dims", Value.none)]), in: [.tf]) { ev, args in
                let x = try args.tensor("input_tensor")
                let (axes, keep) = try ev.reductionAxes(args, rank: ev.builder.graph[x].shape.rank)
                let a = ReduceAttributes(kind: kind, axes: axes, keepDims: keep)
                return .tensor(try ev.builder.add(.reduce(a), [x], name: try args.optionalString("name") ?? a.typeName))
            })
        }
        result.append(Builtin("global_max_pool2d", Signature([("inputs", nil), ("keep_dims", .bool(false)), ("scope", Value.none)])) { ev, args in
            let x = try args.tensor("inputs")
            guard ev.builder.graph[x].shape.rank == 4 else {
                throw args.error("global_max_pool2d needs an NHWC input of rank 4, got shape \(ev.builder.graph[x].shape)", argument: "inputs")
            }
            let op = Op.reduce(ReduceAttributes(kind: .max, axes: [1, 2], keepDims: try args.bool("keep_dims")))
            return .tensor(try ev.builder.withNameScope(try args.optionalString("scope") ?? "GlobalMaxPool") { try ev.builder.add(op, [x], name: "Max") })
        })
        // slim.layer_norm, group_norm and instance_norm: their scopes, variables and epsilons.
        result.append(Builtin("layer_norm", Signature([("inputs", nil), ("center", .bool(true)), ("scale", .bool(true)), ("activation_fn", Value.none),
                                                      ("reuse", Value.none), ("variables_collections", Value.none), ("outputs_collections", Value.none),
                                                      ("trainable", .bool(true)), ("begin_norm_axis", .int(1)), ("begin_params_axis", .int(-1)),
                                                      ("scope", Value.none), ("epsilon", .float(1e-12))]), argScope: true, in: [.slim]) { ev, args in
            let x = try args.tensor("inputs")
            let rank = ev.builder.graph[x].shape.rank
            guard try args.int("begin_params_axis") == -1 || args.int("begin_params_axis") == rank - 1 else {
                throw args.error("graphc's layer_norm has parameters per channel (begin_params_axis=-1)", argument: "begin_params_axis")
            }
            let begin = try axis(args, "begin_norm_axis", rank: rank)
            // Normalizing over the last axis only is the same as over it with every other axis leading.
            let leading = begin == rank - 1 ? rank - 1 : begin
            guard begin == rank - 1 || begin >= 1 else { throw args.error("begin_norm_axis must leave the batch out", argument: "begin_norm_axis") }
            // slim's variance epsilon is 1e-12; graphc's `epsilon` lets Keras and ONNX models say theirs.
            let a = NormalizationAttributes(kind: .layer, groups: 1, leadingAxes: leading, epsilon: Float(try args.double("epsilon")))
            return .tensor(try ev.normalization(x, a, args, defaultScope: "LayerNorm"))
        })
        result.append(Builtin("group_norm", Signature([("inputs", nil), ("groups", .int(32)), ("channels_axis", .int(-1)), ("reduction_axes", Value.none),
                                                      ("center", .bool(true)), ("scale", .bool(true)), ("epsilon", .float(1e-6)), ("activation_fn", Value.none),
                                                      ("param_initializers", Value.none), ("reuse", Value.none), ("variables_collections", Value.none),
                                                      ("outputs_collections", Value.none), ("trainable", .bool(true)), ("scope", Value.none),
                                                      ("mean_close_to_zero", .bool(false))]), argScope: true, in: [.slim]) { ev, args in
            let x = try args.tensor("inputs")
            let rank = ev.builder.graph[x].shape.rank
            guard try axis(args, "channels_axis", rank: rank) == rank - 1 else { throw args.error("graphc's tensors are channels-last", argument: "channels_axis") }
            let a = NormalizationAttributes(kind: .group, groups: try args.int("groups"), leadingAxes: 1, epsilon: Float(try args.double("epsilon")))
            return .tensor(try ev.normalization(x, a, args, defaultScope: "GroupNorm"))
        })
        result.append(Builtin("instance_norm", Signature([("inputs", nil), ("center", .bool(true)), ("scale", .bool(true)), ("epsilon", .float(1e-6)),
                                                         ("activation_fn", Value.none), ("param_initializers", Value.none), ("reuse", Value.none),
                                                         ("variables_collections", Value.none), ("outputs_collections", Value.none), ("trainable", .bool(true)),
                                                         ("data_format", Value.none), ("scope", Value.none)]), argScope: true, in: [.slim]) { ev, args in
            let x = try args.tensor("inputs")
            guard let c = ev.builder.graph[x].shape.dims.last ?? nil else { throw args.error("instance_norm needs a known channel count", argument: "inputs") }
            let a = NormalizationAttributes(kind: .instance, groups: c, leadingAxes: 1, epsilon: Float(try args.double("epsilon")))
            return .tensor(try ev.normalization(x, a, args, defaultScope: "InstanceNorm"))
        })
        return result
    }
}

extension Evaluator {
    func expandedShape(_ shape: TensorShape, axis: Int) -> [Int] {
        var dims = shape.dims.map { $0 ?? -1 }
        dims.insert(1, at: axis)
        return dims
    }

    func expandDims(_ x: NodeID, _ args: Arguments, name: String) throws -> NodeID {
        let shape = builder.graph[x].shape
        var a = try args.int("axis")
        if a < 0 { a += shape.rank + 1 }
        guard a >= 0, a <= shape.rank else { throw args.error("axis \(try args.int("axis")) is out of range for a tensor of rank \(shape.rank)", argument: "axis") }
        guard shape.dims.filter({ $0 == nil }).count <= 1 else { throw args.error("expand_dims needs at most one unknown dimension, got \(shape)", argument: "input") }
        return try builder.add(.reshape(expandedShape(shape, axis: a)), [x], name: name)
    }

    /// `axis` / `reduction_indices` and `keepdims` / `keep_dims` of TF's reductions.
    func reductionAxes(_ args: Arguments, rank: Int) throws -> ([Int], Bool) {
        let argument = args.has("reduction_indices") && !(args["reduction_indices"].isNone) ? "reduction_indices" : "axis"
        var axes: [Int]
        switch args[argument] {
        case .none: axes = Array(0..<rank)
        case .int(let a): axes = [a]
        default: axes = try args.ints(argument)
        }
        axes = try axes.map { a in
            let n = a < 0 ? a + rank : a
            guard n >= 0, n < rank else { throw args.error("axis \(a) is out of range for a tensor of rank \(rank)", argument: argument) }
            return n
        }
        var keep = false
        for name in ["keepdims", "keep_dims"] where !args[name].isNone { keep = try args.bool(name) }
        return (Array(Set(axes)).sorted(), keep)
    }

    /// A normalization in its variable scope: beta when `center`, gamma when `scale` (else
    /// constants 0 and 1), then the activation.
    func normalization(_ x: NodeID, _ a: NormalizationAttributes, _ args: Arguments, defaultScope: String) throws -> NodeID {
        guard let c = builder.graph[x].shape.dims.last ?? nil else { throw args.error("normalization needs a known channel count", argument: "inputs") }
        let activation = try layerFunction(args, "activation_fn")
        return try builder.withVariableScope(try args.optionalString("scope"), defaultName: defaultScope) {
            let beta = try args.bool("center") ? try builder.variable("beta", shape: [c]) : builder.constant([Float](repeating: 0, count: c), shape: [c], name: "zeros")
            let gamma = try args.bool("scale") ? try builder.variable("gamma", shape: [c]) : builder.constant([Float](repeating: 1, count: c), shape: [c], name: "ones")
            var y = try builder.add(.normalization(a), [x, gamma, beta], name: a.tfOutputName)
            if let activation { y = try activation(y) }
            return y
        }
    }
}
