/// A dense float32 tensor in host memory, row-major (C order): what files are read into and
/// what `graphc run` returns.
public struct HostTensor: Sendable, Equatable, Codable {
    public var shape: [Int]
    public var data: [Float]

    public init(shape: [Int], data: [Float]) {
        precondition(shape.reduce(1, *) == data.count, "HostTensor: shape \(shape) does not hold \(data.count) values")
        self.shape = shape
        self.data = data
    }

    public var count: Int { data.count }
}
