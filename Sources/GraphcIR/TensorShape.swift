/// A static NHWC float32 shape; a nil dimension is unknown until run time (the batch of a
/// `[None, ...]` placeholder).
public struct TensorShape: Hashable, Sendable, Codable, CustomStringConvertible {
    public var dims: [Int?]

    public init(_ dims: [Int?]) { self.dims = dims }

    public var rank: Int { dims.count }
    public var isFullyKnown: Bool { dims.allSatisfy { $0 != nil } }

    /// Element count, or nil when a dimension is unknown or the count overflows.
    public var elementCount: Int? {
        var n = 1
        for d in dims {
            guard let d else { return nil }
            let (p, overflow) = n.multipliedReportingOverflow(by: d)
            if overflow { return nil }
            n = p
        }
        return n
    }

    /// Element count with unknown dimensions taken as 1 (counts "per example").
    public var elementCountPerUnknown: Int {
        var n = 1
        for d in dims {
            let (p, overflow) = n.multipliedReportingOverflow(by: d ?? 1)
            n = overflow ? Int.max : p
        }
        return n
    }

    public subscript(i: Int) -> Int? { dims[i] }

    /// Python tuple syntax as TF1 prints a TensorShape: `(4, 48, 48, 64)`, `(?, 10)`, `(10,)`.
    public var description: String {
        let parts = dims.map { $0.map(String.init) ?? "?" }
        if parts.count == 1 { return "(\(parts[0]),)" }
        return "(" + parts.joined(separator: ", ") + ")"
    }
}

/// Python-style formatting of a dimension list, used in messages: `[3, 3, 64, 128]`.
func listText(_ values: [Int]) -> String { "[" + values.map(String.init).joined(separator: ", ") + "]" }
