import GraphcDiagnostics
import GraphcIR

/// TF ops on tensors: placeholder, activations, reductions, shape ops, resize.
extension Library {
    func makeTensorOps() -> [Builtin] {
        var result: [Builtin] = []
        result.append(Builtin("placeholder", Signature([("dtype", nil), ("shape", Value.none), ("name", Value.none)]), in: [.tf]) { ev, args in
            try ev.placeholder(args)
        })
        // tf.nn's activations; relu is slim's own layer (Layers.swift).
        // name, parameters (the input first, then the activation's own), modules, the activation.
        let activations: [(String, [(String, Value?)], Set<Namespace>, (Arguments) throws -> Activation)] = [
            ("relu6", [("x", nil)], [.nn], { _ in .relu6 }),
            ("sigmoid", [("x", nil)], [.tf, .nn], { _ in .sigmoid }),
            ("tanh", [("x", nil)], [.tf, .nn], { _ in .tanh }),
            ("leaky_relu", [("features", nil), ("alpha", .float(0.2))], [.nn], { .leakyRelu(alpha: Float(try $0.double("alpha"))) }),
            // TF's elu has alpha 1; Keras's ELU and ONNX's Elu take one.
            ("elu", [("features", nil), ("alpha", .float(1))], [.nn], { .elu(alpha: Float(try $0.double("alpha"))) }),
            // Keras's hard_sigmoid; alpha=1/6 is PyTorch's Hardsigmoid.
            ("hard_sigmoid", [("x", nil), ("alpha", .float(0.2)), ("beta", .float(0.5))], [.nn],
             { .hardSigmoid(alpha: Float(try $0.double("alpha")), beta: Float(try $0.double("beta"))) }),
            ("hard_swish", [("x", nil)], [.nn], { _ in .hardSwish }),
            ("swish", [("features", nil), ("beta", .float(1))], [.nn], { args in
                guard try args.double("beta") == 1 else { throw args.error("only swish with beta=1 (SiLU) is supported", argument: "beta") }
                return .swish
            }),
            ("silu", [("features", nil), ("beta", .float(1))], [.nn], { args in
                guard try args.double("beta") == 1 else { throw args.error("only silu with beta=1 is supported", argument: "beta") }
                return .swish
            }),
            ("gelu", [("features", nil), ("approximate", .bool(false))], [.nn], { .gelu(tanh: try $0.bool("approximate")) }),
            ("negative", [("x", nil)], [.tf], { _ in .negative }),
            ("erf", [("x", nil)], [.tf], { _ in .erf }),
        ]
        for (name, parameters, namespaces, make) in activations {
            result.append(Builtin(name, Signature(parameters + [("name", Value.none)]), in: namespaces) { ev, args in
                let activation = try make(args)
                return try ev.unary(.activation(activation), args, input: parameters[0].0, defaultName: activation.typeName)
            })
        }
        result.append(Builtin("softmax", Signature([("logits", nil), ("axis", Value.none), ("name", Value.none)]), in: [.nn]) { ev, args in
            let x = try args.tensor("logits")
            if let axis = try args.optionalInt("axis"), axis != -1, axis != ev.builder.graph[x].shape.rank - 1 {
                throw args.error("softmax over an axis other than the last is not supported", argument: "axis")
            }
            return .tensor(try ev.builder.add(.softmax, [x], name: try args.optionalString("name") ?? "Softmax"))
        })
        result.append(Builtin("identity", Signature([("input", nil), ("name", Value.none)]), in: [.tf]) { _, args in
            _ = try args.tensor("input")
            return args["input"]
        })
        result.append(Builtin("bias_add", Signature([("value", nil), ("bias", nil), ("data_format", Value.none), ("name", Value.none)]), in: [.nn]) { ev, args in
            .tensor(try ev.builder.add(.biasAdd, [try args.tensor("value"), try args.tensor("bias")], name: try args.optionalString("name") ?? "BiasAdd"))
        })
        result.append(Builtin("reduce_mean", Signature([("input_tensor", nil), ("axis", Value.none), ("keepdims", Value.none), ("name", Value.none),
                                                       ("reduction_indices", Value.none), ("keep_dims", Value.none)]), in: [.tf]) { ev, args in
            let x = try args.tensor("input_tensor")
            let (axes, keep) = try ev.reductionAxes(args, rank: ev.builder.graph[x].shape.rank)
            return .tensor(try ev.builder.add(.mean(axes: axes, keepDims: keep), [x], name: try args.optionalString("name") ?? "Mean"))
        })
        result.append(Builtin("global_avg_pool2d", Signature([("inputs", nil), ("keep_dims", .bool(false)), ("scope", Value.none)])) { ev, args in
            let x = try args.tensor("inputs")
            guard ev.builder.graph[x].shape.rank == 4 else {
                throw args.error("global_avg_pool2d needs an NHWC input of rank 4, got shape \(ev.builder.graph[x].shape)", argument: "inputs")
            }
            let op = Op.mean(axes: [1, 2], keepDims: try args.bool("keep_dims"))
            if let scope = try args.optionalString("scope") {
                return .tensor(try ev.builder.withNameScope(scope) { try ev.builder.add(op, [x], name: "Mean") })
            }
            return .tensor(try ev.builder.add(op, [x], name: "Mean"))
        })
        for (name, op, typeName) in [("add", Op.add, "Add"), ("multiply", .mul, "Mul"), ("subtract", .binary(.sub), "Sub"),
                                     ("divide", .binary(.div), "truediv"), ("maximum", .binary(.max), "Maximum"), ("minimum", .binary(.min), "Minimum")] {
            result.append(Builtin(name, Signature([("x", nil), ("y", nil), ("name", Value.none)]), in: [.tf]) { ev, args in
                // As in TF, a number operand becomes a constant named after the op: `Minimum/y`.
                let full = ev.builder.uniqueName(try args.optionalString("name") ?? typeName)
                func operand(_ key: String) throws -> NodeID {
                    if let n = ev.number(args[key]) { return ev.builder.constant([Float(n)], shape: [], exactName: "\(full)/\(key)") }
                    return try args.tensor(key)
                }
                let x = try operand("x"), y = try operand("y")
                return .tensor(try ev.builder.add(op, [x, y], exactName: full))
            })
        }
        result.append(Builtin("concat", Signature([("values", nil), ("axis", nil), ("name", .string("concat"))]), in: [.tf]) { ev, args in
            let inputs = try ev.sequenceItems(args["values"], at: args.range(of: "values")).map { v -> NodeID in
                guard case .tensor(let t) = v else { throw args.error("concat needs a list of tensors, found \(v.typeName)", argument: "values") }
                return t
            }
            guard let first = inputs.first else { throw args.error("concat needs at least one tensor", argument: "values") }
            let rank = ev.builder.graph[first].shape.rank
            var axis = try args.int("axis")
            if axis < 0 { axis += rank }
            return .tensor(try ev.builder.add(.concat(axis: axis), inputs, name: try args.string("name")))
        })
        result.append(Builtin("pad", Signature([("tensor", nil), ("paddings", nil), ("mode", .string("CONSTANT")), ("name", Value.none),
                                               ("constant_values", .int(0))]), in: [.tf]) { ev, args in
            let x = try args.tensor("tensor")
            let mode = try args.string("mode").uppercased()
            guard ["CONSTANT", "REFLECT", "SYMMETRIC"].contains(mode) else {
                throw args.error("padding mode must be CONSTANT, REFLECT or SYMMETRIC, got '\(mode)'", argument: "mode")
            }
            guard mode != "CONSTANT" || ev.number(args["constant_values"]) == 0 else { throw args.error("only zero padding is supported", argument: "constant_values") }
            let pairs = try ev.sequenceItems(args["paddings"], at: args.range(of: "paddings")).map { pair -> [Int] in
                try ev.sequenceItems(pair, at: args.range(of: "paddings")).map { v -> Int in
                    guard case .int(let i) = v else { throw args.error("paddings must be pairs of ints", argument: "paddings") }
                    return i
                }
            }
            if mode != "CONSTANT" {
                let a = MirrorPadAttributes(paddings: pairs, symmetric: mode == "SYMMETRIC")
                return .tensor(try ev.builder.add(.mirrorPad(a), [x], name: try args.optionalString("name") ?? "MirrorPad"))
            }
            return .tensor(try ev.builder.add(.pad(pairs), [x], name: try args.optionalString("name") ?? "Pad"))
        })
        result.append(Builtin("squeeze", Signature([("input", nil), ("axis", Value.none), ("name", Value.none), ("squeeze_dims", Value.none)]), in: [.tf]) { ev, args in
            let x = try args.tensor("input")
            let rank = ev.builder.graph[x].shape.rank
            let argument = args["squeeze_dims"].isNone ? "axis" : "squeeze_dims"
            var axes: [Int] = []
            switch args[argument] {
            case .none:
                // TF squeezes every size-1 dimension; graphc fixes which at build time (the ones
                // known to be 1), so an unknown batch that is 1 at run time stays.
                axes = ev.builder.graph[x].shape.dims.indices.filter { ev.builder.graph[x].shape.dims[$0] == 1 }
            case .int(let a): axes = [a]
            default: axes = try args.ints(argument)
            }
            axes = axes.map { $0 < 0 ? $0 + rank : $0 }
            let y = try ev.builder.add(.squeeze(axes: axes.sorted()), [x], name: try args.optionalString("name") ?? "Squeeze")
            if args[argument].isNone, ev.builder.graph[x].shape.dims.contains(where: { $0 == nil }) { ev.shapeUnknownToTF.insert(y) }
            return .tensor(y)
        })
        result.append(Builtin("reshape", Signature([("tensor", nil), ("shape", nil), ("name", Value.none)]), in: [.tf]) { ev, args in
            let x = try args.tensor("tensor")
            let dims = try ev.sequenceItems(args["shape"], at: args.range(of: "shape")).map { v -> Int? in
                switch v {
                case .int(let i): return i
                case .none: return nil
                default: throw args.error("reshape's shape must contain ints (-1 to infer one)", argument: "shape")
                }
            }
            return .tensor(try ev.builder.add(.reshape(dims.map { $0 ?? -1 }), [x], name: try args.optionalString("name") ?? "Reshape"))
        })
        result.append(Builtin("transpose", Signature([("a", nil), ("perm", Value.none), ("name", .string("transpose")), ("conjugate", .bool(false))]), in: [.tf]) { ev, args in
            let x = try args.tensor("a")
            let rank = ev.builder.graph[x].shape.rank
            // TF's default reverses the axes.
            let perm = args["perm"].isNone ? Array((0..<rank).reversed()) : try args.ints("perm").map { $0 < 0 ? $0 + rank : $0 }
            return .tensor(try ev.builder.add(.transpose(perm), [x], name: try args.string("name")))
        })
        result.append(Builtin("constant", Signature([("value", nil), ("dtype", Value.none), ("shape", Value.none), ("name", .string("Const"))]), in: [.tf]) { ev, args in
            // A number or a nested list of numbers; with `shape`, a single number fills it.
            var dims: [Int] = []
            var values: [Float] = []
            func flatten(_ v: Value, depth: Int) throws {
                if let n = ev.number(v) {
                    values.append(Float(n))
                    if depth < dims.count { throw args.error("constant's nested lists must be rectangular", argument: "value") }
                    return
                }
                let items = try ev.sequenceItems(v, at: args.range(of: "value"))
                if depth == dims.count { dims.append(items.count) } else if dims[depth] != items.count {
                    throw args.error("constant's nested lists must be rectangular", argument: "value")
                }
                for item in items { try flatten(item, depth: depth + 1) }
            }
            try flatten(args["value"], depth: 0)
            if !args["shape"].isNone {
                let shape = try args.ints("shape")
                var count = 1
                for d in shape {
                    let (product, overflow) = count.multipliedReportingOverflow(by: max(d, 0))
                    guard !overflow, product <= 1 << 24 else { throw args.error("a constant of shape \(shape) is too large (at most 16M values)", argument: "shape") }
                    count = product
                }
                guard shape.allSatisfy({ $0 >= 0 }), values.count == count || values.count == 1 else {
                    throw args.error("constant has \(values.count) values, which do not fill shape \(shape)", argument: "shape")
                }
                if values.count == 1 { values = [Float](repeating: values[0], count: count) }
                dims = shape
            }
            return .tensor(ev.builder.constant(values, shape: dims, name: try args.string("name")))
        })
        result.append(Builtin("get_variable", Signature([("name", nil), ("shape", Value.none), ("dtype", Value.none), ("initializer", Value.none),
                                                        ("regularizer", Value.none), ("trainable", Value.none)]), in: [.tf]) { ev, args in
            // A variable of its own, named in the current variable scope, its values from the weights file.
            guard !args["shape"].isNone else { throw args.error("get_variable needs a shape", argument: "shape") }
            return .tensor(try ev.builder.variable(try args.string("name"), shape: try args.ints("shape")))
        })
        // TF1's resize_bilinear and resize_nearest_neighbor (align_corners / half_pixel_centers),
        // TF1's resize_images (method 0 bilinear, 1 nearest; op in a `resize` name scope), and
        // TF2's resize (half-pixel centres always).
        for (name, nearest) in [("resize_bilinear", false), ("resize_nearest_neighbor", true)] {
            // graphc also takes ONNX's mappings: coordinates='pytorch_half_pixel', rounding='round_prefer_floor',
            // and scales=[sh, sw] (the mapping then uses 1 / scale).
            result.append(Builtin(name, Signature([("images", nil), ("size", nil), ("align_corners", .bool(false)), ("name", Value.none),
                                                  ("half_pixel_centers", .bool(false)), ("coordinates", Value.none), ("rounding", Value.none),
                                                  ("scales", Value.none)]), in: [.image]) { ev, args in
                let x = try args.tensor("images")
                var attributes = try ev.resizeAttributes(args, nearest: nearest, alignCorners: try args.bool("align_corners"),
                                                         halfPixel: try args.bool("half_pixel_centers"))
                if let text = try args.optionalString("coordinates") {
                    guard let c = ResizeAttributes.Coordinates(rawValue: text) else {
                        throw args.error("coordinates must be one of asymmetric, half_pixel, align_corners, pytorch_half_pixel, tf_half_pixel_for_nn", argument: "coordinates")
                    }
                    attributes.coordinates = c
                }
                if let text = try args.optionalString("rounding") {
                    guard let r = ResizeAttributes.Rounding(rawValue: text) else {
                        throw args.error("rounding must be one of floor, ceil, round_prefer_floor, round_prefer_ceil", argument: "rounding")
                    }
                    attributes.rounding = r
                }
                if !args["scales"].isNone {
                    let scales = try ev.sequenceItems(args["scales"], at: args.range(of: "scales")).compactMap { ev.number($0) }
                    guard scales.count == 2 else { throw args.error("scales must be [scale_h, scale_w]", argument: "scales") }
                    (attributes.scaleH, attributes.scaleW) = (Float(scales[0]), Float(scales[1]))
                }
                return .tensor(try ev.builder.add(.resize(attributes), [x], name: try args.optionalString("name") ?? attributes.typeName))
            })
        }
        result.append(Builtin("resize_images", Signature([("images", nil), ("size", nil), ("method", .int(0)), ("align_corners", .bool(false)),
                                                         ("preserve_aspect_ratio", .bool(false)), ("name", Value.none)]), in: [.image]) { ev, args in
            let x = try args.tensor("images")
            let nearest: Bool
            switch args["method"] {
            case .int(0), .string("bilinear"): nearest = false
            case .int(1), .string("nearest"): nearest = true
            default: throw args.error("resize_images supports method 0 (bilinear) and 1 (nearest neighbour)", argument: "method")
            }
            if try args.bool("preserve_aspect_ratio") { throw args.error("preserve_aspect_ratio is not supported", argument: "preserve_aspect_ratio") }
            let attributes = try ev.resizeAttributes(args, nearest: nearest, alignCorners: try args.bool("align_corners"), halfPixel: false)
            let shape = ev.builder.graph[x].shape
            // TF1's resize_images returns its input when the size already matches.
            if shape.rank == 4, shape[1] == attributes.height, shape[2] == attributes.width { return args["images"] }
            return .tensor(try ev.builder.withNameScope(try args.optionalString("name") ?? "resize") {
                try ev.builder.add(.resize(attributes), [x], name: attributes.typeName)
            })
        })
        result.append(Builtin("resize", Signature([("images", nil), ("size", nil), ("method", .string("bilinear")), ("preserve_aspect_ratio", .bool(false)),
                                                  ("antialias", .bool(false)), ("name", Value.none)]), in: [.image]) { ev, args in
            let x = try args.tensor("images")
            let nearest: Bool
            switch args["method"] {
            case .string("bilinear"): nearest = false
            case .string("nearest"): nearest = true
            default: throw args.error("tf.image.resize supports method 'bilinear' and 'nearest'", argument: "method")
            }
            if try args.bool("preserve_aspect_ratio") || args.bool("antialias") {
                throw args.error("preserve_aspect_ratio and antialias are not supported")
            }
            let attributes = try ev.resizeAttributes(args, nearest: nearest, alignCorners: false, halfPixel: true)
            return .tensor(try ev.builder.withNameScope(try args.optionalString("name") ?? "resize") {
                try ev.builder.add(.resize(attributes), [x], name: attributes.typeName)
            })
        })
        return result
    }
}

extension Value {
    var isNone: Bool { if case .none = self { return true } else { return false } }
}

extension Evaluator {
    /// TF's resize semantics: bilinear samples (o + 0.5) * scale - 0.5 with half-pixel centres,
    /// nearest floor((o + 0.5) * scale); with align_corners, o * (in - 1) / (out - 1), nearest
    /// rounding halves up; else o * scale, nearest rounding down.
    func resizeAttributes(_ args: Arguments, nearest: Bool, alignCorners: Bool, halfPixel: Bool) throws -> ResizeAttributes {
        let size = try args.ints("size")
        guard size.count == 2 else { throw args.error("size must be [height, width]", argument: "size") }
        if alignCorners && halfPixel { throw args.error("align_corners and half_pixel_centers cannot both be set") }
        let coordinates: ResizeAttributes.Coordinates
        var rounding = ResizeAttributes.Rounding.floor
        if alignCorners {
            coordinates = .alignCorners
            rounding = .roundPreferCeil
        } else if halfPixel {
            coordinates = nearest ? .tfHalfPixelForNN : .halfPixel
        } else {
            coordinates = .asymmetric
        }
        return ResizeAttributes(height: size[0], width: size[1], method: nearest ? .nearest : .bilinear, coordinates: coordinates, rounding: rounding)
    }

    /// An elementwise op on one tensor argument, named `name` or `defaultName`.
    func unary(_ op: Op, _ args: Arguments, input: String, defaultName: String) throws -> Value {
        let x = try args.tensor(input)
        return .tensor(try builder.add(op, [x], name: try args.optionalString("name") ?? defaultName))
    }

    /// `placeholder(float32, [None, 96, 96, 3], name='input')`, with `--batch` filling an unknown
    /// batch and `--input NAME=...` replacing the shape.
    func placeholder(_ args: Arguments) throws -> Value {
        guard case .dtype(let dtype) = args["dtype"] else {
            throw args.error("placeholder's dtype must be float32, got \(args["dtype"].typeName)", argument: "dtype")
        }
        guard dtype == "float32" else { throw args.error("graphc tensors are float32, got \(dtype)", argument: "dtype") }
        let requestedName = try args.optionalString("name") ?? "Placeholder"
        // --input matches the unique name TF gives (a second 'input' is 'input_1').
        let uniqueName = builder.nextName(requestedName)
        var dims: [Int?]
        switch args["shape"] {
        case .none: throw args.error("placeholder needs a static shape such as [None, 224, 224, 3]", argument: "shape")
        case .shape(let s): dims = s.dims
        default:
            dims = try sequenceItems(args["shape"], at: args.range(of: "shape")).map { v -> Int? in
                switch v {
                case .int(let i):
                    guard i >= 0 else { throw args.error("placeholder dimensions must be non-negative or None", argument: "shape") }
                    return i
                case .none: return nil
                default: throw args.error("placeholder shape must contain ints or None, found \(v.typeName)", argument: "shape")
                }
            }
        }
        if let override = options.inputShapes.last(where: { $0.name == uniqueName }) {
            dims = override.dims
        }
        let unnamed = options.inputData.last(where: { $0.name == nil })
        if let unnamed, !placeholdersSeen.isEmpty {
            // Data for "the only placeholder", and this is a second one.
            throw Diagnostic("\(unnamed.origin): the graph has more than one placeholder (\((placeholdersSeen.sorted() + [uniqueName]).joined(separator: ", ")), ...); say which one it feeds, NAME=file", at: nil)
        }
        let data = options.inputData.last(where: { $0.name == uniqueName }) ?? unnamed
        var resolved: TensorShape
        do {
            resolved = try ShapeResolution.placeholderShape(TensorShape(dims), fed: data?.dims, batch: options.batch)
        } catch {
            let mismatch = args.error("\(data!.origin) holds shape \(TensorShape(data!.dims)), but placeholder '\(uniqueName)' is \(TensorShape(dims))")
            guard data?.name == nil else { throw mismatch }
            // Data for "the only placeholder": whether this is it is known only at the end.
            unnamedFeedMismatch = unnamedFeedMismatch ?? mismatch
            resolved = try! ShapeResolution.placeholderShape(TensorShape(dims), fed: nil, batch: options.batch)
        }
        placeholdersSeen.insert(uniqueName)
        if data == nil, options.batch != nil, dims.first == .some(nil) { batchUsed = true }
        dims = resolved.dims
        return .tensor(try builder.placeholder(name: requestedName, shape: TensorShape(dims)))
    }
}
