import GraphcIR

/// Seeded tensors and approximate comparison, for tests that check numbers.
public enum Tensors {
    /// Uniform values in [low, high), the same on every machine for a seed and a name.
    public static func uniform(_ shape: [Int], seed: UInt64, name: String = "", low: Float = -1, high: Float = 1) -> HostTensor {
        var rng = SeededRandom(seed: seed, name: name)
        return HostTensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in low + (high - low) * rng.uniform() })
    }

    /// The largest |actual - expected| relative to the largest |expected| (at least `floor`),
    /// or infinity when the shapes differ: the figure tests bound by a stated tolerance.
    public static func relativeError(_ actual: HostTensor, _ expected: HostTensor, floor: Float = 1e-6) -> Float {
        guard actual.shape == expected.shape else { return .infinity }
        let scale = max(expected.data.map(abs).max() ?? 0, floor)
        var worst: Float = 0
        for (a, e) in zip(actual.data, expected.data) {
            let d = abs(a - e)
            if d.isNaN { return .infinity }
            worst = max(worst, d)
        }
        return worst / scale
    }
}
