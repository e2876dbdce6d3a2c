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
        let ops = makeTensorOps() + makeSelectionOps()
        addArgScope = Builtin("add_arg_scope", Signature([("func", nil)])) { _, args in args["func"] }

        func module(_ name: String, _ builtins: [Builtin], extra: [String: Value] = [:]) -> Module {
            var members = extra
            for b in builtins { members[b.name] = .builtin(b) }
            return Module(name: name, members: members)
        }
        // Each builtin says which modules it is in (`in:` where it is defined).
        let all = ops + layers
        func members(of namespace: Namespace) -> [Builtin] { all.filter { $0.namespaces.contains(namespace) } }
        let nn = module("tf.nn", members(of: .nn))
        let image = module("tf.image", members(of: .image))
        let graphKeys = Module(name: "tf.GraphKeys", members: ["UPDATE_OPS": .string("update_ops"), "GLOBAL_VARIABLES": .string("variables")])
        let utils = module("slim.utils", members(of: .slimUtils))
        var slimBuiltins = members(of: .slim) + [addArgScope!]
        slimBuiltins.append(layers.first { $0.name == "slim_softmax" }!)
        let slim = module("slim", slimBuiltins, extra: ["utils": .module(utils)])
        slim.members["softmax"] = slim.members.removeValue(forKey: "slim_softmax")
        // slim.stack stacks layers; the global `stack` is TF's tensor op.
        slim.members["stack"] = slim.members.removeValue(forKey: "slim_stack")
        slim.members["convolution2d"] = slim.members["conv2d"]
        let contrib = Module(name: "tf.contrib", members: ["slim": .module(slim)])
        let tf = module("tf", members(of: .tf),
                        extra: ["float32": .dtype("float32"), "nn": .module(nn), "image": .module(image),
                                "GraphKeys": .module(graphKeys), "contrib": .module(contrib)])
        tf.members["compat"] = .module(Module(name: "tf.compat", members: ["v1": .module(tf)]))
        let collections = module("collections", [])
        collections.members["namedtuple"] = globals["namedtuple"]

        modules = ["tensorflow": tf, "tensorflow.compat.v1": tf, "tf": tf, "tensorflow.contrib.slim": slim, "tf_slim": slim,
                   "slim": slim, "collections": collections]
        for b in ops + layers where b.name != "slim_softmax" && b.name != "slim_stack" { globals[b.name] = .builtin(b) }
        globals["add_arg_scope"] = .builtin(addArgScope)
        globals["float32"] = .dtype("float32")
        globals["tf"] = .module(tf)
        globals["slim"] = .module(slim)
        globals["nn"] = .module(nn)
        globals["UPDATE_OPS"] = .string("update_ops")
    }

    func module(named name: String) -> Module? { modules[name] }

    /// Forgets every module and global: `tf.compat.v1` is `tf`, a cycle that would otherwise
    /// outlive the evaluation.
    func tearDown() {
        for module in modules.values { module.members.removeAll() }
        modules.removeAll()
        globals.removeAll()
        methods.removeAll()
    }

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
