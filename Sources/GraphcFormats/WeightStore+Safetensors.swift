import Foundation
import GraphcIR

extension WeightStore {
    /// Loads the variables of `graph` from a safetensors file, checking that the file holds
    /// exactly them, with the shapes the graph expects and float dtypes.
    public static func load(safetensors path: String, for graph: Graph) throws(FileFormatError) -> WeightStore {
        let file = try Safetensors.File(path: path)
        var problems: [String] = []
        let variables = graph.variables
        let expected = Set(variables.map(\.name))
        for v in variables {
            guard let entry = file.entries[v.name] else {
                let near = file.entries.keys.filter { $0.hasSuffix("/" + (v.name.split(separator: "/").last.map(String.init) ?? "")) }
                problems.append("missing variable '\(v.name)' \(v.shape)" + (near.count == 1 ? " (the file has '\(near[0])')" : ""))
                continue
            }
            let shape = v.shape.dims.map { $0 ?? -1 }
            if entry.shape != shape {
                problems.append("variable '\(v.name)' has shape \(TensorShape(entry.shape.map { $0 })) in the file, the graph expects \(v.shape)")
            }
            if !entry.dtype.isFloat {
                problems.append("variable '\(v.name)' has dtype \(entry.dtype.rawValue); graphc reads F32, F16, BF16 or F64")
            }
        }
        for name in file.names where !expected.contains(name) {
            problems.append("unexpected variable '\(name)' \(TensorShape(file.entries[name]!.shape.map { $0 })): the graph has no such variable")
        }
        if !problems.isEmpty { throw FileFormatError(path, problems) }

        let store = WeightStore(source: path, keepAlive: file)
        for v in variables {
            let entry = file.entries[v.name]!
            if entry.dtype == .f32, Int(bitPattern: entry.bytes.baseAddress) % MemoryLayout<Float>.alignment == 0 || entry.count == 0,
               Int(littleEndian: 1) == 1 {
                if entry.count == 0 {
                    _ = store.allocate(v.name, count: 0)
                } else {
                    store.borrow(v.name, entry.bytes.baseAddress!.assumingMemoryBound(to: Float.self))
                }
            } else {
                let buffer = store.allocate(v.name, count: entry.count)
                entry.copyFloats(into: buffer.baseAddress!)
            }
        }
        return store
    }
}
