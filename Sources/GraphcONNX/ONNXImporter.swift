import Foundation
import GraphcIR

/// An ONNX model translated into a graph file and the weights that file's variables take.
public struct ImportedModel {
    /// The graph file's text: one line per layer, slim's layers where they fit.
    public var source: String
    /// Values for the file's variables, by variable name, in graphc's layouts (HWIO, [in, out]).
    public var weights: [(name: String, tensor: HostTensor)]
    /// The model's graph inputs and outputs, by ONNX name, as the file's placeholders and results are named.
    public var inputs: [String]
    public var outputs: [String]
}

extension ImportedModel {
    /// The weights as a store for the compiler.
    public func weightStore() -> WeightStore {
        let store = WeightStore(source: "ONNX import")
        for (name, tensor) in weights { _ = store.add(name, tensor.data) }
        return store
    }

    /// The weights as a store for `graph` (the source evaluated), each checked against its
    /// variable's shape: the importer's layers and the file's must agree.
    public func weightStore(for graph: Graph) throws(ONNXImportError) -> WeightStore {
        let byName = Dictionary(weights.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
        var problems: [String] = []
        for v in graph.variables {
            guard let t = byName[v.name] else { problems.append("no values for variable '\(v.name)'"); continue }
            if TensorShape(t.shape.map { $0 }) != v.shape { problems.append("'\(v.name)' is \(v.shape) in the graph but \(t.shape) in the model") }
        }
        guard problems.isEmpty else { throw ONNXImportError("the model's weights do not fit its graph: " + problems.joined(separator: "; ")) }
        return weightStore()
    }
}

/// Translates an ONNX model into graph-file text: what `graphc import` writes, and what
/// `run`, `shapes`, `compile`, `bench` and `dump` evaluate when given a .onnx file, so the two
/// routes cannot differ.
///
/// Inputs and outputs keep the model's layout (a PyTorch export takes and returns NCHW); 4-D
/// values are NHWC inside, so the file transposes after each 4-D input and before each 4-D
/// output, and the importer maps every axis, padding and weight once (OIHW to HWIO). Values
/// known at import time (initializers, `Constant`s, and the shape arithmetic exporters emit
/// around `Reshape`) are folded. The ops it cannot translate are reported together, one line
/// each.
public enum ONNXImporter {
    public static let opsets: ClosedRange<Int> = 7...21

    public static func importModel(path: String) throws(ONNXImportError) -> ImportedModel {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) else {
            throw ONNXImportError("cannot read ONNX model \(path)")
        }
        return try importModel(data: data, path: path)
    }

    public static func importModel(data: Data, path: String) throws(ONNXImportError) -> ImportedModel {
        let model: Onnx_ModelProto
        do { model = try Onnx_ModelProto(serializedBytes: data) } catch {
            throw ONNXImportError("\(path) is not an ONNX model: \(error)")
        }
        do {
            var t = try ONNXTranslation(model, path: path)
            return try t.run()
        } catch {
            throw ONNXImportError("\(path): \(error.message)")
        }
    }
}

/// One value of the ONNX graph as the graph file holds it: a Python variable naming a tensor,
/// with the node the importer's own builder made for it (which gives its shape). 4-D values
/// are NHWC in the file.
struct ImportedValue {
    var id: NodeID
    var name: String
}

struct ONNXTranslation {
    let model: Onnx_ModelProto
    let path: String
    let opset: Int
    let builder = GraphBuilder()
    var constants: [String: ONNXConstant] = [:]
    var values: [String: ImportedValue] = [:]
    /// How many nodes read each ONNX value (graph outputs count as readers).
    var readers: [String: Int] = [:]
    var lines: [String] = []
    var weights: [(name: String, tensor: HostTensor)] = []
    var identifiers: Set<String> = []
    var scopes: Set<String> = []
    /// Nodes folded into the one before them (an activation into its convolution).
    var absorbed: Set<Int> = []
    var unsupported: [String] = []
    /// Values that could not be computed because an op before them was not supported.
    var missing: Set<String> = []
    var external: [String: Data] = [:]
    var currentNode = 0

    init(_ model: Onnx_ModelProto, path: String) throws(ONNXImportError) {
        self.model = model
        self.path = path
        let version = model.opsetImport.first { $0.domain.isEmpty || $0.domain == "ai.onnx" }.map { Int($0.version) } ?? 1
        guard ONNXImporter.opsets.contains(version) else {
            throw ONNXImportError("opset \(version) is not supported (graphc imports opsets \(ONNXImporter.opsets.lowerBound) to \(ONNXImporter.opsets.upperBound))")
        }
        opset = version
    }

    var graph: Onnx_GraphProto { model.graph }

    mutating func run() throws(ONNXImportError) -> ImportedModel {
        let folder = (path as NSString).deletingLastPathComponent
        for t in graph.initializer { constants[t.name] = try ONNXConstant(t, modelFolder: folder, external: &external) }
        for node in graph.node { for i in node.input where !i.isEmpty { readers[i, default: 0] += 1 } }
        for o in graph.output { readers[o.name, default: 0] += 1 }

        let producer = model.producerName.isEmpty ? "" : ", producer \(model.producerName) \(model.producerVersion)"
        lines.append("# Imported from \((path as NSString).lastPathComponent) by graphc import (ONNX opset \(opset)\(producer)).")
        lines.append("# Inputs and outputs keep the model's layout; graphc computes 4-D values as NHWC, so 4-D")
        lines.append("# inputs are transposed on the way in and 4-D outputs on the way out.")
        var inputs: [String] = []
        for input in graph.input where constants[input.name] == nil {
            try placeholder(input)
            inputs.append(input.name)
        }
        for (index, node) in graph.node.enumerated() where !absorbed.contains(index) {
            currentNode = index
            if node.input.contains(where: { missing.contains($0) }) {
                if Self.handler(for: node.opType) == nil { unsupported.append(describe(node)) }
                missing.formUnion(node.output)
                continue
            }
            guard let handler = Self.handler(for: node.opType), node.domain.isEmpty || node.domain == "ai.onnx" else {
                unsupported.append(describe(node))
                missing.formUnion(node.output)
                continue
            }
            do {
                try handler(&self, node)
            } catch let error as ONNXUnsupported {
                unsupported.append(describe(node) + ": " + error.reason)
                missing.formUnion(node.output)
            } catch let error as ONNXImportError {
                throw ONNXImportError("node \(describe(node)): \(error.message)")
            } catch {
                throw ONNXImportError("node \(describe(node)): \(error)")
            }
        }
        if !unsupported.isEmpty {
            throw ONNXImportError("\(unsupported.count) node\(unsupported.count == 1 ? "" : "s") cannot be imported:\n"
                                  + unsupported.map { "  " + $0 }.joined(separator: "\n"))
        }
        var outputs: [String] = []
        for output in graph.output {
            try result(output.name)
            outputs.append(output.name)
        }
        return ImportedModel(source: lines.joined(separator: "\n") + "\n", weights: weights, inputs: inputs, outputs: outputs)
    }

    func describe(_ node: Onnx_NodeProto) -> String {
        "\(node.domain.isEmpty ? "" : node.domain + ".")\(node.opType) '\(node.name.isEmpty ? node.output.first ?? "?" : node.name)'"
    }

    // MARK: Inputs and outputs

    mutating func placeholder(_ input: Onnx_ValueInfoProto) throws(ONNXImportError) {
        guard input.type.tensorType.elemType == Int32(Onnx_TensorProto.DataType.float.rawValue) else {
            throw ONNXImportError("input '\(input.name)' is not float32 (element type \(input.type.tensorType.elemType)); graphc computes in float32")
        }
        let dims: [Int?] = input.type.tensorType.shape.dim.map { d -> Int? in if case let .dimValue(v)? = d.value, v > 0 { return Int(v) } else { return nil } }
        if dims.dropFirst().contains(where: { $0 == nil }) {
            throw ONNXImportError("input '\(input.name)' has an unknown size after the batch (\(dimsText(dims))); graphc plans static shapes")
        }
        let id: NodeID
        do { id = try builder.placeholder(name: input.name, shape: TensorShape(dims)) } catch { throw ONNXImportError("input '\(input.name)': \(error.message)") }
        let name = identifier(input.name)
        lines.append("\(name) = placeholder(float32, [\(dims.map { $0.map(String.init) ?? "None" }.joined(separator: ", "))], name=\(quote(input.name)))")
        if dims.count == 4 {
            let t = try add(.transpose([0, 2, 3, 1]), [id], name: "transpose")
            values[input.name] = emit(t, hint: input.name + "_nhwc", "transpose(\(name), [0, 2, 3, 1])")
        } else {
            values[input.name] = ImportedValue(id: id, name: name)
        }
    }

    /// Marks `name` a result, named as the ONNX output is and in its layout.
    mutating func result(_ name: String) throws(ONNXImportError) {
        guard let v = values[name] else {
            if constants[name] != nil { throw ONNXImportError("output '\(name)' is a constant; graphc results are computed") }
            throw ONNXImportError("output '\(name)' is not computed by any node")
        }
        let shape = builder.graph[v.id].shape
        if shape.rank == 4 {
            _ = try add(.transpose([0, 3, 1, 2]), [v.id], name: name)
            lines.append("output(transpose(\(v.name), [0, 3, 1, 2], name=\(quote(name))))")
        } else {
            let dims = shape.dims.map { $0 ?? -1 }
            _ = try add(.reshape(dims), [v.id], name: name)
            lines.append("output(reshape(\(v.name), [\(dims.map(String.init).joined(separator: ", "))], name=\(quote(name))))")
        }
    }

    // MARK: Emitting

    /// Records `call` as the line computing node `id`, bound to a new Python name.
    mutating func emit(_ id: NodeID, hint: String, _ call: String) -> ImportedValue {
        let name = identifier(hint)
        lines.append("\(name) = \(call)")
        return ImportedValue(id: id, name: name)
    }

    /// Binds the node's first output.
    mutating func bind(_ node: Onnx_NodeProto, _ id: NodeID, _ call: String) {
        values[node.output[0]] = emit(id, hint: node.output[0], call)
    }

    mutating func add(_ op: Op, _ inputs: [NodeID], name: String) throws(ONNXImportError) -> NodeID {
        do { return try builder.add(op, inputs, name: name) } catch { throw ONNXImportError(error.message) }
    }

    /// A Python identifier for an ONNX value name, unique in the file and clear of the
    /// language's keywords and the builtins the file calls.
    mutating func identifier(_ onnxName: String) -> String {
        var base = onnxName.replacingOccurrences(of: "_output_0", with: "")
        base = String(base.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
        while base.contains("__") { base = base.replacingOccurrences(of: "__", with: "_") }
        base = String(base.drop(while: { $0 == "_" }))
        if base.hasSuffix("_") { base.removeLast() }
        if base.isEmpty || base.first!.isNumber { base = "t_" + base }
        if Self.reserved.contains(base) { base += "_" }
        var name = base
        var i = 2
        while identifiers.contains(name) { name = "\(base)_\(i)"; i += 1 }
        identifiers.insert(name)
        return name
    }

    static let reserved: Set<String> = [
        "False", "None", "True", "and", "as", "assert", "break", "class", "continue", "def", "del", "elif", "else", "except", "finally",
        "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
        "with", "yield", "tf", "slim", "float32", "placeholder", "output", "transpose", "reshape", "conv2d", "batch_norm", "fully_connected",
        "max_pool2d", "avg_pool2d", "reduce_mean", "concat", "softmax", "constant", "get_variable", "pad", "squeeze", "maximum", "minimum",
        "relu", "relu6", "sigmoid", "tanh", "leaky_relu", "elu", "hard_sigmoid", "hard_swish", "gelu", "negative", "erf", "swish", "bias_add", "flag",
        "print", "len", "range", "list", "int", "float", "str", "dict", "tuple", "sum", "abs", "min", "max", "round",
        "conv2d_transpose", "resize_bilinear", "resize_nearest_neighbor", "global_max_pool2d", "separable_conv2d", "split", "stack",
        "expand_dims", "reduce_sum", "reduce_max", "reduce_min", "layer_norm", "group_norm", "instance_norm", "swish", "silu",
    ]

    /// A scope for a layer's variables: the parameter's name (`layer1.0.conv1.weight` gives
    /// `layer1.0.conv1`), else the node's (`/layer1/layer1.0/conv1/Conv` gives
    /// `layer1/layer1.0/conv1`), else the op; made unique.
    mutating func scope(_ node: Onnx_NodeProto, weight: String?) -> String {
        var base: String
        if let weight, weight.hasSuffix(".weight"), !weight.hasPrefix("onnx::") {
            base = String(weight.dropLast(".weight".count))
        } else if node.name.contains("/") {
            base = node.name.split(separator: "/").dropLast().joined(separator: "/")
        } else if !node.name.isEmpty {
            base = node.name
        } else {
            base = node.opType
        }
        base = String(base.map { $0.isASCII && ($0.isLetter || $0.isNumber || "_.-/".contains($0)) ? $0 : "_" })
        base = base.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
        if base.isEmpty || base.first == "." || base.first == "-" { base = node.opType + base }
        var name = base
        var i = 1
        while scopes.contains(name.lowercased()) { name = "\(base)_\(i)"; i += 1 }
        scopes.insert(name.lowercased())
        return name
    }

    // MARK: Reading nodes

    func attribute(_ node: Onnx_NodeProto, _ name: String) -> Onnx_AttributeProto? { node.attribute.first { $0.name == name } }
    func int(_ node: Onnx_NodeProto, _ name: String, _ fallback: Int) -> Int { attribute(node, name).map { Int($0.i) } ?? fallback }
    func float(_ node: Onnx_NodeProto, _ name: String, _ fallback: Float) -> Float { attribute(node, name).map { $0.f } ?? fallback }
    func ints(_ node: Onnx_NodeProto, _ name: String) -> [Int]? { attribute(node, name).map { $0.ints.map { Int($0) } } }
    func string(_ node: Onnx_NodeProto, _ name: String, _ fallback: String) -> String {
        attribute(node, name).map { String(decoding: $0.s, as: UTF8.self) } ?? fallback
    }

    /// Input `i` if the node has it (ONNX marks an absent optional input with an empty name).
    func input(_ node: Onnx_NodeProto, _ i: Int) -> String? { i < node.input.count && !node.input[i].isEmpty ? node.input[i] : nil }

    /// The computed tensor input `i`.
    func tensor(_ node: Onnx_NodeProto, _ i: Int) throws -> ImportedValue {
        guard let name = input(node, i) else { throw ONNXImportError("input \(i) is missing") }
        if let v = values[name] { return v }
        if constants[name] != nil { throw ONNXUnsupported("input '\(name)' is a constant where graphc needs a computed tensor") }
        throw ONNXImportError("input '\(name)' is not defined before it is read")
    }

    /// The constant input `i`, nil when absent.
    func constant(_ node: Onnx_NodeProto, _ i: Int) throws -> ONNXConstant? {
        guard let name = input(node, i) else { return nil }
        if let c = constants[name] { return c }
        throw ONNXUnsupported("input '\(name)' must be known at import time (an initializer or constant), but is computed")
    }

    func isConstant(_ node: Onnx_NodeProto, _ i: Int) -> Bool { input(node, i).map { constants[$0] != nil } ?? true }

    /// The ONNX shape of a value (NCHW for 4-D values).
    func onnxShape(_ v: ImportedValue) -> [Int?] {
        let d = builder.graph[v.id].shape.dims
        return d.count == 4 ? [d[0], d[3], d[1], d[2]] : d
    }

    func rank(_ v: ImportedValue) -> Int { builder.graph[v.id].shape.rank }

    /// The one node that reads `value`, when exactly one does and it comes next.
    func soleNextReader(of value: String, after index: Int) -> (Int, Onnx_NodeProto)? {
        guard readers[value] == 1, index + 1 < graph.node.count else { return nil }
        let next = graph.node[index + 1]
        return next.input.first == value && next.input.dropFirst().allSatisfy({ $0 != value }) ? (index + 1, next) : nil
    }
}

/// An op or attribute graphc does not translate; collected and reported with every other one.
struct ONNXUnsupported: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}

extension ONNXImportError {
    init(_ unsupported: ONNXUnsupported) { self.init(unsupported.reason) }
}

func dimsText(_ dims: [Int?]) -> String { "[" + dims.map { $0.map(String.init) ?? "?" }.joined(separator: ", ") + "]" }

/// A Python string literal.
func quote(_ s: String) -> String {
    "'" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
        .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r") + "'"
}

/// A float as Python reads it back to the same float32.
func literal(_ f: Float) -> String {
    if f.isNaN { return "float('nan')" }
    if f.isInfinite { return f > 0 ? "float('inf')" : "-float('inf')" }
    if f == f.rounded(), abs(f) < 1e15 { return String(format: "%.1f", Double(f)) }
    return "\(f)"
}

/// `[1, 2, 3]`, as Python writes a list.
func pythonList<T>(_ values: [T]) -> String { "[" + values.map { "\($0)" }.joined(separator: ", ") + "]" }
