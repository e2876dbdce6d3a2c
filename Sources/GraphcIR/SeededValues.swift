import Foundation

extension WeightStore {
    /// slim's initial values, deterministic in `seed` and each variable's name: weights from a
    /// truncated normal with He scaling (stddev sqrt(2 / fan_in)), biases, beta and moving mean
    /// zero, gamma and moving variance one.
    public static func initialize(_ graph: Graph, seed: UInt64 = 0) -> WeightStore {
        let store = WeightStore(source: "seeded initialisation (seed \(seed))")
        for v in graph.variables {
            store.add(v.name, initialValues(name: v.name, shape: v.shape.dims.map { $0 ?? 0 }, seed: seed))
        }
        return store
    }

    static func initialValues(name: String, shape: [Int], seed: UInt64) -> [Float] {
        let count = shape.reduce(1, *)
        let leaf = name.split(separator: "/").last.map(String.init) ?? name
        switch leaf {
        case "gamma", "moving_variance": return [Float](repeating: 1, count: count)
        case "biases", "beta", "moving_mean": return [Float](repeating: 0, count: count)
        default:
            let fanIn = max(1, shape.dropLast().reduce(1, *))
            var rng = SeededRandom(seed: seed, name: name)
            let stddev = Float((2.0 / Double(fanIn)).squareRoot())
            return (0..<count).map { _ in rng.truncatedNormal() * stddev }
        }
    }
}

/// SplitMix64 seeded by a seed and a name: the same values on every machine.
public struct SeededRandom {
    private var state: UInt64

    public init(seed: UInt64, name: String = "") {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in name.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        state = seed ^ h
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func uniform() -> Float { Float(next() >> 40) / Float(1 << 24) }

    /// Standard normal, cut at two standard deviations (TF's truncated_normal).
    public mutating func truncatedNormal() -> Float {
        while true {
            let u1 = max(Double(next() >> 11) / Double(1 << 53), 1e-300)
            let u2 = Double(next() >> 11) / Double(1 << 53)
            let z = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
            if abs(z) <= 2 { return Float(z) }
        }
    }
}
