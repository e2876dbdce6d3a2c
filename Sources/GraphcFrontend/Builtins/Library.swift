import GraphcDiagnostics
import GraphcIR

/// Every builtin of the graph language: the global names, the `tf` / `slim` / `collections`
/// modules that `import tensorflow as tf` and friends resolve to, and methods on values.
final class Library {
    unowned let evaluator: Evaluator
    private(set) var globals: [String: Value] = [:]
    private var modules: [String: Module] = [:]
    /// Methods by receiver kind ("list", "dict", "str", "Tensor", "TensorShape").
    private var methods: [String: [String: Builtin]] = [:]

    /// The `@add_arg_scope` decorator; the evaluator recognises it by identity.
    private(set) var addArgScope: Builtin!

    init(evaluator: Evaluator) {
        self.evaluator = evaluator
        registerCore()
        registerMethods()
        let layers = makeLayers()
        let ops = makeTensorOps()
        addArgScope = Builtin("add_arg_scope", Signature([("func", nil)])) { _, args in args["func"] }

        func module(_ name: String, _ builtins: [Builtin], extra: [String: Value] = [:]) -> Module {
            var members = extra
            for b in builtins { members[b.name] = .builtin(b) }
            return Module(name: name, members: members)
        }
        let nn = module("tf.nn", (ops + layers).filter { ["relu", "relu6", "sigmoid", "tanh", "softmax", "bias_add"].contains($0.name) })
        let image = module("tf.image", ops.filter { ["resize_images", "resize_bilinear"].contains($0.name) })
        let graphKeys = Module(name: "tf.GraphKeys", members: ["UPDATE_OPS": .string("update_ops"), "GLOBAL_VARIABLES": .string("variables")])
        let utils = module("slim.utils", layers.filter { ["last_dimension", "collect_named_outputs", "convert_to_dict"].contains($0.name) })
        let slimNames = ["conv2d", "batch_norm", "fully_connected", "max_pool2d", "avg_pool2d", "arg_scope", "flatten",
                         "dropout", "l2_regularizer", "variance_scaling_initializer", "xavier_initializer", "zeros_initializer",
                         "truncated_normal_initializer"]
        var slimBuiltins: [Builtin] = layers.filter { slimNames.contains($0.name) } + [addArgScope!]
        slimBuiltins.append(layers.first { $0.name == "slim_softmax" }!)
        let slim = module("slim", slimBuiltins, extra: ["utils": .module(utils)])
        slim.members["softmax"] = slim.members.removeValue(forKey: "slim_softmax")
        slim.members["convolution2d"] = slim.members["conv2d"]
        let contrib = Module(name: "tf.contrib", members: ["slim": .module(slim)])
        let tfNames = ["placeholder", "variable_scope", "name_scope", "pad", "squeeze", "reshape", "reduce_mean", "add", "multiply",
                       "concat", "identity", "sigmoid", "tanh"]
        let tf = module("tf", ops.filter { tfNames.contains($0.name) } + layers.filter { tfNames.contains($0.name) },
                        extra: ["float32": .dtype("float32"), "nn": .module(nn), "image": .module(image),
                                "GraphKeys": .module(graphKeys), "contrib": .module(contrib)])
        tf.members["compat"] = .module(Module(name: "tf.compat", members: ["v1": .module(tf)]))
        let collections = module("collections", [])
        collections.members["namedtuple"] = globals["namedtuple"]

        modules = ["tensorflow": tf, "tensorflow.compat.v1": tf, "tf": tf, "tensorflow.contrib.slim": slim, "tf_slim": slim,
                   "slim": slim, "collections": collections]
        for b in ops + layers where b.name != "slim_softmax" { globals[b.name] = .builtin(b) }
        globals["add_arg_scope"] = .builtin(addArgScope)
        globals["float32"] = .dtype("float32")
        globals["tf"] = .module(tf)
        globals["slim"] = .module(slim)
        globals["nn"] = .module(nn)
        globals["UPDATE_OPS"] = .string("update_ops")
    }

    func module(named name: String) -> Module? { modules[name] }

    func register(_ b: Builtin) { globals[b.name] = .builtin(b) }

    func registerMethod(_ kind: String, _ b: Builtin) { methods[kind, default: [:]][b.name] = b }

    private func kind(of v: Value) -> String {
        switch v {
        case .list: return "list"
        case .dict: return "dict"
        case .string: return "str"
        case .tensor: return "Tensor"
        case .shape: return "TensorShape"
        default: return ""
        }
    }

    func method(of v: Value, named name: String) -> Builtin? { methods[kind(of: v)]?[name] }
    func methodNames(of v: Value) -> [String] { Array(methods[kind(of: v)]?.keys ?? [:].keys) }
}
