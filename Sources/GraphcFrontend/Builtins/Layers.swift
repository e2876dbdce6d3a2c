import GraphcDiagnostics
import GraphcIR

/// slim's layers and scopes, with slim's signatures and defaults (training-only arguments are
/// accepted and ignored: graphc builds inference graphs).
extension Library {
    func makeLayers() -> [Builtin] {
        unowned let ev = evaluator
        let relu = Builtin("relu", Signature([("features", nil), ("name", Value.none)]), in: [.nn]) { ev, args in
            try ev.unary(.relu, args, input: "features", defaultName: "Relu")
        }
        let initializer = Value.opaque("initializer")
        let trainingOnly: [(String, Value?)] = [
            ("weights_initializer", initializer), ("weights_regularizer", Value.none), ("biases_initializer", .opaque("zeros_initializer")),
            ("biases_regularizer", Value.none), ("reuse", Value.none), ("variables_collections", Value.none), ("outputs_collections", Value.none),
            ("trainable", .bool(true)),
        ]
        var result: [Builtin] = [relu]

        result.append(Builtin("conv2d", Signature([
            ("inputs", nil), ("num_outputs", nil), ("kernel_size", nil), ("stride", .int(1)), ("padding", .string("SAME")),
            ("data_format", Value.none), ("rate", .int(1)), ("activation_fn", .builtin(relu)), ("normalizer_fn", Value.none),
            ("normalizer_params", Value.none),
        ] + trainingOnly + [("scope", Value.none), ("groups", .int(1))]), argScope: true, in: [.slim]) { ev, args in
            let x = try args.tensor("inputs")
            try ev.checkDataFormat(args)
            let biases: Bool
            if case .none = args["biases_initializer"] { biases = false } else { biases = true }
            let first = ev.builder.graph.nodes.count
            let y = try ev.builder.conv2d(
                x, numOutputs: try args.int("num_outputs"), kernel: try args.intPair("kernel_size"), stride: try args.intPair("stride"),
                padding: try ev.padding(args, "padding"), rate: try args.intPair("rate"), groups: try args.int("groups"), biases: biases,
                normalizer: try ev.normalizer(args), activation: try ev.layerFunction(args, "activation_fn"),
                scope: try args.optionalString("scope"))
            ev.collectLayerOutput(args, y, firstNode: first)
            return .tensor(y)
        })

        result.append(Builtin("conv2d_transpose", Signature([
            ("inputs", nil), ("num_outputs", nil), ("kernel_size", nil), ("stride", .int(1)), ("padding", .string("SAME")),
            ("data_format", Value.none), ("activation_fn", .builtin(relu)), ("normalizer_fn", Value.none), ("normalizer_params", Value.none),
        ] + trainingOnly + [("scope", Value.none), ("output_padding", .int(0))]), argScope: true, in: [.slim]) { ev, args in
            let x = try args.tensor("inputs")
            try ev.checkDataFormat(args)
            let biases: Bool
            if case .none = args["biases_initializer"] { biases = false } else { biases = true }
            let padding = try ev.padding(args, "padding", keepExplicitZeros: true)
            let outputPadding = try args.intPair("output_padding")
            if outputPadding != (0, 0), case .explicit = padding {} else if outputPadding != (0, 0) {
                throw args.error("output_padding goes with explicit padding (PyTorch's ConvTranspose2d)", argument: "output_padding")
            }
            let first = ev.builder.graph.nodes.count
            let y = try ev.builder.conv2dTranspose(
                x, numOutputs: try args.int("num_outputs"), kernel: try args.intPair("kernel_size"), stride: try args.intPair("stride"),
                padding: padding, outputPadding: outputPadding, biases: biases, normalizer: try ev.normalizer(args),
                activation: try ev.layerFunction(args, "activation_fn"), scope: try args.optionalString("scope"))
            ev.collectLayerOutput(args, y, firstNode: first)
            return .tensor(y)
        })

        result.append(Builtin("separable_conv2d", Signature([
            ("inputs", nil), ("num_outputs", nil), ("kernel_size", nil), ("depth_multiplier", .int(1)), ("stride", .int(1)),
            ("padding", .string("SAME")), ("data_format", Value.none), ("rate", .int(1)), ("activation_fn", .builtin(relu)),
            ("normalizer_fn", Value.none), ("normalizer_params", Value.none), ("pointwise_initializer", Value.none),
        ] + trainingOnly + [("scope", Value.none)]), argScope: true, in: [.slim]) { ev, args in
            let x = try args.tensor("inputs")
            try ev.checkDataFormat(args)
            let biases: Bool
            if case .none = args["biases_initializer"] { biases = false } else { biases = true }
            let first = ev.builder.graph.nodes.count
            let y = try ev.builder.separableConv2d(
                x, numOutputs: try args.optionalInt("num_outputs"), kernel: try args.intPair("kernel_size"),
                depthMultiplier: try args.int("depth_multiplier"), stride: try args.intPair("stride"),
                padding: try ev.padding(args, "padding"), rate: try args.intPair("rate"), biases: biases,
                normalizer: try ev.normalizer(args), activation: try ev.layerFunction(args, "activation_fn"),
                scope: try args.optionalString("scope"))
            ev.collectLayerOutput(args, y, firstNode: first)
            return .tensor(y)
        })

        result.append(Builtin("batch_norm", Signature([
            ("inputs", nil), ("decay", .float(0.999)), ("center", .bool(true)), ("scale", .bool(false)), ("epsilon", .float(0.001)),
            ("activation_fn", Value.none), ("param_initializers", Value.none), ("param_regularizers", Value.none),
            ("updates_collections", .string("update_ops")), ("is_training", .bool(true)), ("reuse", Value.none),
            ("variables_collections", Value.none), ("outputs_collections", Value.none), ("trainable", .bool(true)), ("batch_weights", Value.none),
            ("fused", Value.none), ("data_format", Value.none), ("zero_debias_moving_mean", .bool(false)), ("scope", Value.none),
            ("renorm", .bool(false)), ("renorm_clipping", Value.none), ("renorm_decay", .float(0.99)), ("adjustment", Value.none),
        ]), argScope: true, in: [.slim]) { ev, args in
            let x = try args.tensor("inputs")
            try ev.checkDataFormat(args)
            if try args.bool("renorm") { throw args.error("batch_norm renorm is a training feature graphc does not support", argument: "renorm") }
            if args.values["is_training"]?.isDefault == false, try args.bool("is_training") {
                ev.warn("batch_norm(is_training=True) is built for inference: graphc always normalizes with the moving mean and variance",
                        at: args.values["is_training"]?.argScopeRange ?? args.range(of: "is_training"))
            }
            // slim uses TF's fused batch norm for 4-D NHWC inputs unless fused=False, and the fused
            // kernel raises epsilon to at least 1.001e-5; PyTorch-style ports pass fused=False.
            var epsilon = try args.double("epsilon")
            if case .bool(false) = args["fused"] {} else if ev.builder.graph[x].shape.rank == 4 { epsilon = max(epsilon, 1.001e-5) }
            let first = ev.builder.graph.nodes.count
            let y = try ev.builder.batchNorm(x, center: try args.bool("center"), scale: try args.bool("scale"),
                                             epsilon: Float(epsilon),
                                             activation: try ev.layerFunction(args, "activation_fn"), scope: try args.optionalString("scope"))
            ev.collectLayerOutput(args, y, firstNode: first)
            return .tensor(y)
        })

        result.append(Builtin("fully_connected", Signature([
            ("inputs", nil), ("num_outputs", nil), ("activation_fn", .builtin(relu)), ("normalizer_fn", Value.none), ("normalizer_params", Value.none),
        ] + trainingOnly + [("scope", Value.none)]), argScope: true, in: [.slim]) { ev, args in
            let x = try args.tensor("inputs")
            let biases: Bool
            if case .none = args["biases_initializer"] { biases = false } else { biases = true }
            let first = ev.builder.graph.nodes.count
            let y = try ev.builder.fullyConnected(x, numOutputs: try args.int("num_outputs"), biases: biases,
                                                  normalizer: try ev.normalizer(args), activation: try ev.layerFunction(args, "activation_fn"),
                                                  scope: try args.optionalString("scope"))
            ev.collectLayerOutput(args, y, firstNode: first)
            return .tensor(y)
        })

        for isMax in [true, false] {
            var parameters: [(String, Value?)] = [
                ("inputs", nil), ("kernel_size", nil), ("stride", .int(2)), ("padding", .string("VALID")), ("data_format", Value.none),
                ("outputs_collections", Value.none), ("scope", Value.none), ("ceil_mode", .bool(false)),
            ]
            if !isMax { parameters.append(("count_include_pad", .bool(true))) }
            result.append(Builtin(isMax ? "max_pool2d" : "avg_pool2d", Signature(parameters), argScope: true, in: [.slim]) { ev, args in
                let x = try args.tensor("inputs")
                try ev.checkDataFormat(args)
                let (kh, kw) = try args.intPair("kernel_size")
                let (sh, sw) = try args.intPair("stride")
                let attributes = PoolAttributes(windowH: kh, windowW: kw, strideH: sh, strideW: sw, padding: try ev.padding(args, "padding"),
                                                ceilMode: try args.bool("ceil_mode"),
                                                countIncludePad: isMax ? true : try args.bool("count_include_pad"))
                if attributes.ceilMode, attributes.padding == .same {
                    throw args.error("ceil_mode applies to VALID or explicit padding, not SAME", argument: "ceil_mode")
                }
                let first = ev.builder.graph.nodes.count
                let y = try ev.builder.pool(x, max: isMax, attributes: attributes, scope: try args.optionalString("scope"))
                ev.collectLayerOutput(args, y, firstNode: first)
                return .tensor(y)
            })
        }

        result.append(Builtin("flatten", Signature([("inputs", nil), ("outputs_collections", Value.none), ("scope", Value.none)]), argScope: true, in: [.slim]) { ev, args in
            let x = try args.tensor("inputs")
            let shape = ev.builder.graph[x].shape
            guard shape.rank >= 2 else { throw args.error("flatten needs an input of rank >= 2, got shape \(shape)", argument: "inputs") }
            let rest = shape.dims.dropFirst()
            guard rest.allSatisfy({ $0 != nil }) else { throw args.error("flatten needs known dimensions after the batch, got shape \(shape)", argument: "inputs") }
            let size = rest.reduce(1) { $0 * $1! }
            return .tensor(try ev.builder.withNameScope(try args.optionalString("scope") ?? "Flatten") {
                try ev.builder.add(.reshape([shape[0] == nil ? -1 : shape[0]!, size]), [x], name: "flatten/Reshape")
            })
        })
        result.append(Builtin("dropout", Signature([("inputs", nil), ("keep_prob", .float(0.5)), ("noise_shape", Value.none), ("is_training", .bool(true)),
                                                   ("outputs_collections", Value.none), ("scope", Value.none), ("seed", Value.none)]), argScope: true, in: [.slim]) { _, args in
            // Inference: dropout is the identity.
            _ = try args.tensor("inputs")
            return args["inputs"]
        })
        result.append(Builtin("slim_softmax", Signature([("logits", nil), ("scope", Value.none)]), argScope: true) { ev, args in
            // slim.softmax: reshape to [-1, classes], softmax, reshape back (`Reshape_1`).
            let x = try args.tensor("logits")
            let shape = ev.builder.graph[x].shape
            guard shape.rank >= 2, let classes = shape.dims.last ?? nil else {
                throw args.error("slim.softmax needs logits of rank >= 2 with a known last dimension, got shape \(shape)", argument: "logits")
            }
            return .tensor(try ev.builder.withVariableScope(try args.optionalString("scope"), defaultName: "softmax") {
                let flat = try ev.builder.add(.reshape([-1, classes]), [x], name: "Reshape")
                let p = try ev.builder.add(.softmax, [flat], name: "Softmax")
                return try ev.builder.add(.reshape(shape.dims.map { $0 ?? -1 }), [p], name: "Reshape")
            })
        })

        // slim.repeat(inputs, n, layer, *args, scope=..., **kwargs) and slim.stack(inputs, layer,
        // [args, ...], scope=..., **kwargs): in variable scope `scope` (default Repeat / Stack),
        // call i gets scope '<scope or layer name>_<i>', as tf_slim names them (vgg's conv1/conv1_1).
        for isRepeat in [true, false] {
            let fixed: [(String, Value?)] = isRepeat ? [("inputs", nil), ("repetitions", nil), ("layer", nil)] : [("inputs", nil), ("layer", nil), ("stack_args", nil)]
            result.append(Builtin(isRepeat ? "repeat" : "slim_stack", Signature(fixed, variadic: isRepeat, variadicKeywords: true), in: [.slim]) { ev, args in
                var current = args["inputs"]
                _ = try args.tensor("inputs")
                let layer = args["layer"]
                var keywords = args.extraKeywords.filter { $0.name != "scope" }
                let scopeArgument = args.extraKeywords.first { $0.name == "scope" }
                var scope: String?
                if let scopeArgument, case .string(let s) = scopeArgument.value.value { scope = s }
                let layerName: String
                switch layer {
                case .builtin(let b): layerName = b.name
                case .function(let f): layerName = f.name
                default: throw args.error("the layer must be a function, got \(layer.typeName)", argument: "layer")
                }
                let count: Int
                var stackCalls: [[ArgumentValue]] = []
                if isRepeat {
                    count = try args.int("repetitions")
                    guard count >= 0 else { throw args.error("repetitions must not be negative", argument: "repetitions") }
                } else {
                    stackCalls = try ev.sequenceItems(args["stack_args"], at: args.range(of: "stack_args")).map { item in
                        switch item {
                        case .list, .tuple: return try ev.sequenceItems(item, at: args.range(of: "stack_args")).map { ArgumentValue(value: $0, range: args.range(of: "stack_args")) }
                        default: return [ArgumentValue(value: item, range: args.range(of: "stack_args"))]
                        }
                    }
                    count = stackCalls.count
                }
                let prefix = scope ?? layerName
                try ev.builder.withVariableScope(scope, defaultName: isRepeat ? "Repeat" : "Stack") {
                    // One call at a time: the language's step limit stops a runaway repetition count.
                    for i in 0..<count {
                        let extra = isRepeat ? args.extra : stackCalls[i]
                        try ev.countSteps(1, args.callRange)
                        keywords.removeAll { $0.name == "scope" }
                        keywords.append((name: "scope", value: ArgumentValue(value: .string("\(prefix)_\(i + 1)"), range: args.callRange)))
                        current = try ev.call(layer, positional: [ArgumentValue(value: current, range: args.range(of: "inputs"))] + extra,
                                              keywords: keywords, at: args.callRange)
                    }
                }
                return current
            })
        }

        result.append(Builtin("arg_scope", Signature([("list_ops_or_scope", nil)], variadicKeywords: true), in: [.slim]) { ev, args in
            .context(.argScope(try ev.makeArgScope(args)))
        })
        result.append(Builtin("variable_scope", Signature([
            ("name_or_scope", Value.none), ("default_name", Value.none), ("values", Value.none), ("initializer", Value.none), ("regularizer", Value.none),
            ("caching_device", Value.none), ("partitioner", Value.none), ("custom_getter", Value.none), ("reuse", Value.none), ("dtype", Value.none),
            ("use_resource", Value.none), ("constraint", Value.none), ("auxiliary_name_scope", .bool(true)),
        ]), in: [.tf]) { ev, args in
            if case .bool(true) = args["reuse"] {
                throw args.error("variable_scope(reuse=True) is not supported: graphc builds one inference graph; call the layer once and reuse its output", argument: "reuse")
            }
            if case let .variableScope(full, _) = args["name_or_scope"] { return .context(.reenteredVariableScope(full)) }
            let name = try args.optionalString("name_or_scope")
            let defaultName = try args.optionalString("default_name")
            guard name != nil || defaultName != nil else {
                throw args.error("variable_scope needs a name or a default_name")
            }
            if let name, name.isEmpty || name.contains("/") {
                throw args.error("variable_scope name must be non-empty and contain no '/', got '\(name)'", argument: "name_or_scope")
            }
            return .context(.variableScope(name: name, defaultName: defaultName ?? "scope"))
        })
        result.append(Builtin("name_scope", Signature([("name", nil), ("default_name", Value.none), ("values", Value.none)]), in: [.tf]) { _, args in
            let name = try args.optionalString("name") ?? args.optionalString("default_name")
            guard let name, !name.isEmpty else { throw args.error("name_scope needs a name", argument: "name") }
            return .context(.nameScope(name))
        })

        // Training-only values that slim code passes around; kept so ported code runs unchanged.
        for name in ["l2_regularizer", "variance_scaling_initializer", "xavier_initializer", "zeros_initializer", "truncated_normal_initializer"] {
            result.append(Builtin(name, Signature([], variadic: true, variadicKeywords: true), in: [.slim, .tf]) { _, _ in .opaque(name) })
        }

        result.append(Builtin("last_dimension", Signature([("shape", nil), ("min_rank", .int(1))]), in: [.slimUtils]) { _, args in
            guard case .shape(let s) = args["shape"] else { throw args.error("last_dimension needs a TensorShape", argument: "shape") }
            let minRank = try args.int("min_rank")
            guard s.rank >= minRank else { throw args.error("shape \(s) must have rank at least \(minRank)", argument: "shape") }
            guard let last = s.dims.last ?? nil else { throw args.error("the last dimension of \(s) must be known", argument: "shape") }
            return .int(last)
        })
        result.append(Builtin("collect_named_outputs", Signature([("collections", nil), ("alias", nil), ("outputs", nil)]), in: [.slimUtils]) { ev, args in
            ev.collect(args["collections"], alias: try args.string("alias"), args["outputs"])
            return args["outputs"]
        })
        // slim.utils.convert_collection_to_dict, and convert_to_dict as older seeds call it.
        for name in ["convert_to_dict", "convert_collection_to_dict"] {
            result.append(Builtin(name, Signature([("collection", nil), ("clear_collection", .bool(false))]), in: [.slimUtils]) { ev, args in
                let d = DictBox()
                for entry in ev.collections[try args.string("collection")] ?? [] { d[.string(entry.alias)] = entry.value }
                return .dict(d)
            })
        }
        _ = ev
        return result
    }
}

extension Evaluator {
    /// 'SAME' | 'VALID' (any case), an int p, a pair (ph, pw), or [[top, bottom], [left, right]].
    /// Explicit zero padding is VALID.
    /// `keepExplicitZeros`: padding=0 stays explicit (a transposed convolution's zero crop is
    /// not TF's VALID when the kernel is smaller than the stride).
    func padding(_ args: Arguments, _ name: String, keepExplicitZeros: Bool = false) throws -> Padding {
        let p = try explicitOrNamedPadding(args, name)
        return p == .explicit(top: 0, bottom: 0, left: 0, right: 0) && !keepExplicitZeros ? .valid : p
    }

    private func explicitOrNamedPadding(_ args: Arguments, _ name: String) throws -> Padding {
        switch args[name] {
        case .string(let s):
            switch s.uppercased() {
            case "SAME": return .same
            case "VALID": return .valid
            default: throw args.error("padding must be 'SAME', 'VALID' or explicit pads, got '\(s)'", argument: name)
            }
        case .int(let p):
            guard p >= 0 else { throw args.error("padding must not be negative", argument: name) }
            return .explicit(top: p, bottom: p, left: p, right: p)
        case .list, .tuple:
            let items = try sequenceItems(args[name], at: args.range(of: name))
            if items.count == 2, case .int(let ph) = items[0], case .int(let pw) = items[1] {
                guard ph >= 0, pw >= 0 else { throw args.error("padding must not be negative", argument: name) }
                return .explicit(top: ph, bottom: ph, left: pw, right: pw)
            }
            if items.count == 2 {
                let pairs = try items.map { try sequenceItems($0, at: args.range(of: name)) }
                if pairs.allSatisfy({ $0.count == 2 }), case .int(let t) = pairs[0][0], case .int(let b) = pairs[0][1],
                   case .int(let l) = pairs[1][0], case .int(let r) = pairs[1][1] {
                    guard t >= 0, b >= 0, l >= 0, r >= 0 else { throw args.error("padding must not be negative", argument: name) }
                    return .explicit(top: t, bottom: b, left: l, right: r)
                }
            }
            throw args.error("explicit padding must be an int, (pad_h, pad_w) or [[top, bottom], [left, right]]", argument: name)
        default:
            throw args.error("padding must be 'SAME', 'VALID' or explicit pads, got \(args[name].typeName)", argument: name)
        }
    }

    func checkDataFormat(_ args: Arguments) throws {
        guard args.has("data_format"), case .string(let f) = args["data_format"] else { return }
        guard f == "NHWC" || f == "channels_last" else {
            throw args.error("graphc graphs are NHWC; data_format '\(f)' is not supported (port NCHW code by reading shapes in NHWC order)", argument: "data_format")
        }
    }

    /// A function argument (activation_fn, ...) as a closure over node ids, or nil for None.
    func layerFunction(_ args: Arguments, _ name: String, keywords: [(name: String, value: ArgumentValue)] = []) throws -> GraphBuilder.LayerFunction? {
        let fn = args[name]
        switch fn {
        case .none: return nil
        case .builtin, .function, .boundMethod: break
        default: throw args.error("'\(name)' of \(args.callee) must be a function or None, got \(fn.typeName)", argument: name)
        }
        let range = args.callRange
        let argRange = args.range(of: name)
        return { [unowned self] id in
            let result = try self.call(fn, positional: [ArgumentValue(value: .tensor(id), range: argRange)], keywords: keywords, at: range)
            guard case .tensor(let t) = result else {
                throw Diagnostic("'\(name)' of \(args.callee) must return a tensor, but it returned \(result.typeName)", at: argRange)
            }
            return t
        }
    }

    /// normalizer_fn called with normalizer_params as keyword arguments, as slim does.
    func normalizer(_ args: Arguments) throws -> GraphBuilder.LayerFunction? {
        var keywords: [(name: String, value: ArgumentValue)] = []
        switch args["normalizer_params"] {
        case .none: break
        case .dict(let d):
            for (k, v) in zip(d.keys, d.values) {
                guard case .string(let key) = k else { throw args.error("normalizer_params keys must be strings", argument: "normalizer_params") }
                keywords.append((key, ArgumentValue(value: v, range: args.range(of: "normalizer_params"),
                                                    argScopeRange: args.values["normalizer_params"]?.argScopeRange)))
            }
        case let v:
            throw args.error("normalizer_params must be a dict or None, got \(v.typeName)", argument: "normalizer_params")
        }
        return try layerFunction(args, "normalizer_fn", keywords: keywords)
    }

    /// `arg_scope([ops], key=value, ...)` or `arg_scope(saved_scope)`.
    func makeArgScope(_ args: Arguments) throws -> ArgScope {
        if case .argScope(let saved) = args["list_ops_or_scope"] {
            guard args.extraKeywords.isEmpty else {
                throw args.error("arg_scope with a saved scope takes no keyword arguments")
            }
            return saved
        }
        let ops = try sequenceItems(args["list_ops_or_scope"], at: args.range(of: "list_ops_or_scope"), what: "use as an op list")
        var scope = argScope
        let entries = args.extraKeywords.map { ArgScope.Entry(name: $0.name, value: $0.value.value, range: $0.value.range) }
        for op in ops {
            let key: ObjectIdentifier
            let accepts: (String) -> Bool
            let opName: String
            let parameterNames: [String]
            switch op {
            case .builtin(let b) where b.takesArgScope:
                key = ObjectIdentifier(b)
                opName = b.name == "slim_softmax" ? "softmax" : b.name
                parameterNames = b.signature.names
                accepts = { b.signature.variadicKeywords || b.signature.names.contains($0) }
            case .function(let f) where f.takesArgScope:
                key = ObjectIdentifier(f)
                opName = f.name
                parameterNames = f.parameters.filter { $0.kind == .normal }.map(\.name)
                let open = f.parameters.contains { $0.kind == .doubleStar }
                accepts = { name in open || parameterNames.contains(name) }
            case .builtin(let b):
                throw args.error("arg_scope cannot give defaults to '\(b.name)': only slim layers and @add_arg_scope functions take them", argument: "list_ops_or_scope")
            case .function(let f):
                throw args.error("arg_scope cannot give defaults to '\(f.name)': decorate it with @add_arg_scope", argument: "list_ops_or_scope")
            default:
                throw args.error("arg_scope needs a list of ops, found \(op.typeName)", argument: "list_ops_or_scope")
            }
            for e in entries where !accepts(e.name) {
                throw Diagnostic("arg_scope gives '\(e.name)' to '\(opName)', which does not take it" + Spelling.didYouMean(e.name, among: parameterNames), at: e.range)
            }
            scope = scope.adding(entries, for: key)
        }
        return scope
    }

    func collect(_ collections: Value, alias: String, _ value: Value) {
        switch collections {
        case .string(let name): self.collections[name, default: []].append((alias, value))
        case .list(let l): for c in l.items { collect(c, alias: alias, value) }
        case .tuple(let t): for c in t { collect(c, alias: alias, value) }
        default: break
        }
    }

    /// slim layers add their output to `outputs_collections` under their variable scope's name.
    func collectLayerOutput(_ args: Arguments, _ output: NodeID, firstNode: Int) {
        if case .none = args["outputs_collections"] { return }
        let graph = builder.graph
        // slim's alias is the layer's scope: its variables' (a conv) or its op's (a pool).
        let named = graph.nodes[firstNode...].first(where: { $0.op == .variable }) ?? graph[output]
        let alias = named.name.split(separator: "/").dropLast().joined(separator: "/")
        collect(args["outputs_collections"], alias: alias, .tensor(output))
    }
}
