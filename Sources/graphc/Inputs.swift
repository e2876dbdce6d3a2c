import GraphcIR

/// The data `run` and `bench` feed a model: each placeholder's `--input` file, else seeded
/// uniform [0, 1) values of the planned shape (with a note saying so).
enum Feeds {
    static func make(for model: CompiledModel, fed: [String: HostTensor], seed: UInt64) -> [String: HostTensor] {
        var feeds: [String: HostTensor] = [:]
        var generated: [String] = []
        for p in model.graph.placeholders {
            if let tensor = fed[p.name] {
                feeds[p.name] = tensor
                continue
            }
            let shape = model.shapes[p.id]
            var rng = SeededRandom(seed: seed, name: p.name)
            feeds[p.name] = HostTensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in rng.uniform() })
            generated.append("'\(p.name)' \(TensorShape(shape))")
        }
        if !generated.isEmpty {
            Stderr.write("graphc: note: no --input for \(generated.joined(separator: ", ")): seeded uniform [0, 1) values (seed \(seed))\n")
        }
        return feeds
    }
}
