import GraphcIR

/// Converts a PyTorch `state_dict` saved as safetensors into graphc's variable names and
/// layouts, driven by the graph's variable list. Ported graphs mirror PyTorch's module names
/// in their scopes (`layer1/0/conv1` for `layer1.0.conv1`), so each variable maps to one key:
///
/// | graphc | PyTorch | layout |
/// | --- | --- | --- |
/// | `scope/weights` rank 4 | `scope.weight` | OIHW -> HWIO |
/// | `scope/weights` rank 2 | `scope.weight` | [out, in] -> [in, out] |
/// | `scope/biases` | `scope.bias` | |
/// | `scope/gamma`, `scope/beta` | `scope.weight`, `scope.bias` | |
/// | `scope/moving_mean`, `scope/moving_variance` | `scope.running_mean`, `scope.running_var` | |
///
/// `num_batches_tracked` is training state and is skipped; any other key the graph does not
/// use is an error, as is a missing key or a shape that does not fit.
///
/// A linear layer after a flatten of an H x W x C feature map (H*W > 1) also has its input
/// features reordered: PyTorch flattens channels first (c, h, w), graphc channels last (h, w, c).
public enum PyTorchConverter {
    public static func key(for variable: String) -> String {
        var parts = variable.split(separator: "/").map(String.init)
        let leaf = parts.removeLast()
        let torchLeaf: String
        switch leaf {
        case "weights", "gamma": torchLeaf = "weight"
        case "biases", "beta": torchLeaf = "bias"
        case "moving_mean": torchLeaf = "running_mean"
        case "moving_variance": torchLeaf = "running_var"
        default: torchLeaf = leaf
        }
        return (parts + [torchLeaf]).joined(separator: ".")
    }

    /// For weights read by a MatMul whose input flattens an [N, H, W, C] map with H*W > 1: the
    /// PyTorch (c, h, w) feature index of each graphc (h, w, c) feature.
    static func flattenedOrder(of weights: Node, _ graph: Graph, _ consumers: [[NodeID]]) -> [Int]? {
        guard let matMul = consumers[weights.id].first(where: { if case .matMul = graph[$0].op { return true } else { return false } }) else { return nil }
        let flatten = graph[graph[matMul].inputs[0]]
        guard case .reshape = flatten.op else { return nil }
        let map = graph[flatten.inputs[0]].shape
        guard map.rank == 4, let h = map[1], let w = map[2], let c = map[3], h * w > 1 else { return nil }
        var order = [Int](repeating: 0, count: h * w * c)
        for y in 0..<h { for x in 0..<w { for ch in 0..<c { order[(y * w + x) * c + ch] = (ch * h + y) * w + x } } }
        return order
    }

    public static func convert(stateDict path: String, for graph: Graph) throws(FileFormatError) -> [(name: String, tensor: HostTensor)] {
        let file = try Safetensors.File(path: path)
        var problems: [String] = []
        var used = Set<String>()
        let consumers = graph.consumers()
        var result: [(name: String, tensor: HostTensor)] = []
        for v in graph.variables {
            let key = key(for: v.name)
            let want = v.shape.dims.map { $0 ?? 0 }
            guard let entry = file.entries[key] else {
                problems.append("missing '\(key)' for variable '\(v.name)' \(v.shape)")
                continue
            }
            used.insert(key)
            guard entry.dtype.isFloat else {
                problems.append("'\(key)' has dtype \(entry.dtype.rawValue), expected a float type")
                continue
            }
            let values = entry.floats()
            let s = entry.shape
            let converted: HostTensor
            if want.count == 4, s.count == 4, v.name.hasSuffix("/weights") {
                // OIHW [o, i, h, w] -> HWIO [h, w, i, o]
                guard [s[2], s[3], s[1], s[0]] == want else {
                    problems.append("'\(key)' has shape \(TensorShape(s.map { $0 })) (OIHW); '\(v.name)' needs HWIO \(v.shape)")
                    continue
                }
                var out = [Float](repeating: 0, count: values.count)
                let (o, i, h, w) = (s[0], s[1], s[2], s[3])
                for a in 0..<o { for b in 0..<i { for y in 0..<h { for x in 0..<w {
                    out[((y * w + x) * i + b) * o + a] = values[((a * i + b) * h + y) * w + x]
                } } } }
                converted = HostTensor(shape: want, data: out)
            } else if want.count == 2, s.count == 2, v.name.hasSuffix("/weights") {
                guard [s[1], s[0]] == want else {
                    problems.append("'\(key)' has shape \(TensorShape(s.map { $0 })) ([out, in]); '\(v.name)' needs \(v.shape)")
                    continue
                }
                // Graph row g reads PyTorch column source(g).
                let source = flattenedOrder(of: v, graph, consumers) ?? Array(0..<s[1])
                var out = [Float](repeating: 0, count: values.count)
                for g in 0..<s[1] { for r in 0..<s[0] { out[g * s[0] + r] = values[r * s[1] + source[g]] } }
                converted = HostTensor(shape: want, data: out)
            } else {
                guard s == want else {
                    problems.append("'\(key)' has shape \(TensorShape(s.map { $0 })); '\(v.name)' needs \(v.shape)")
                    continue
                }
                converted = HostTensor(shape: want, data: values)
            }
            result.append((v.name, converted))
        }
        for name in file.names where !used.contains(name) && !name.hasSuffix("num_batches_tracked") {
            problems.append("unused key '\(name)': no graph variable maps to it (scopes must mirror the module names)")
        }
        if !problems.isEmpty { throw FileFormatError(path, problems) }
        return result
    }
}
