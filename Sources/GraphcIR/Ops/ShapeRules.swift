/// A shape rule that failed: the message says which shapes disagree and how.
public struct ShapeError: Error, Sendable, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
}

/// Checks an op's inputs and applies its shape rule (`OpSchema.inferShape`). The builder
/// applies it as nodes are made, the verifier to a whole graph, the compiler to concrete shapes.
public enum ShapeInference {
    public static func infer(_ op: Op, inputs: [TensorShape]) throws(ShapeError) -> TensorShape {
        let schema = op.schema
        if op.isSource { return try schema.inferShape(inputs) }
        if schema.isVariadic {
            guard !inputs.isEmpty else { throw ShapeError("\(schema.typeName) needs at least one input") }
        } else if inputs.count != schema.inputRoles.count {
            throw ShapeError("\(schema.typeName) takes \(schema.inputRoles.count) inputs, got \(inputs.count)")
        }
        return try schema.inferShape(inputs)
    }

    /// NumPy broadcasting of two shapes.
    public static func broadcast(_ a: TensorShape, _ b: TensorShape, verb: String) throws(ShapeError) -> TensorShape {
        try ShapeRules.broadcast(a, b, verb: verb)
    }

    /// The explicit (top, bottom, left, right) pads a padding means for a known input.
    public static func explicitPads(_ padding: Padding, inputH: Int?, inputW: Int?, windowH: Int, windowW: Int,
                                    strideH: Int, strideW: Int) throws(ShapeError) -> (Int, Int, Int, Int) {
        try ShapeRules.explicitPads(padding, inputH: inputH, inputW: inputW, windowH: windowH, windowW: windowW, strideH: strideH, strideW: strideW)
    }
}

/// Arithmetic the shape rules share: windows, padding, broadcasting, checked sums.
enum ShapeRules {
    /// NumPy broadcasting of two shapes.
    static func broadcast(_ a: TensorShape, _ b: TensorShape, verb: String) throws(ShapeError) -> TensorShape {
        let rank = max(a.rank, b.rank)
        let pa = [Int?](repeating: 1, count: rank - a.rank) + a.dims
        let pb = [Int?](repeating: 1, count: rank - b.rank) + b.dims
        var out: [Int?] = []
        var mismatched: [Int] = []
        for i in 0..<rank {
            switch (pa[i], pb[i]) {
            case let (x?, y?) where x == y: out.append(x)
            case let (1, y): out.append(y)
            case let (x, 1): out.append(x)
            case (nil, _), (_, nil): out.append(pa[i] ?? pb[i])
            default: mismatched.append(i); out.append(nil)
            }
        }
        if !mismatched.isEmpty {
            if a.rank == b.rank, a.rank >= 2, mismatched == [rank - 1] {
                throw ShapeError("channel mismatch: cannot \(verb) \(a) and \(b): \(a.dims.last!!) channels against \(b.dims.last!!)")
            }
            throw ShapeError("shape mismatch: cannot \(verb) \(a) and \(b)")
        }
        return TensorShape(out)
    }

    /// The explicit (top, bottom, left, right) pads a padding means for a known input; SAME
    /// follows TensorFlow: total = max((out - 1) * stride + window - in, 0), bottom/right get the extra.
    static func explicitPads(_ padding: Padding, inputH: Int?, inputW: Int?, windowH: Int, windowW: Int,
                                    strideH: Int, strideW: Int) throws(ShapeError) -> (Int, Int, Int, Int) {
        guard windowH >= 1, windowW >= 1 else { throw ShapeError("window size must be positive, got \(windowH)x\(windowW)") }
        guard strideH >= 1, strideW >= 1 else { throw ShapeError("stride must be positive, got \(strideH)x\(strideW)") }
        switch padding {
        case .valid: return (0, 0, 0, 0)
        case let .explicit(t, b, l, r):
            guard t >= 0, b >= 0, l >= 0, r >= 0 else { throw ShapeError("padding must not be negative, got \(padding)") }
            return (t, b, l, r)
        case .same:
            func split(_ input: Int?, _ window: Int, _ stride: Int) throws(ShapeError) -> (Int, Int) {
                guard let input else { return (0, 0) }
                let out = try checkedSum(input, stride - 1) / stride
                let total = max(try checkedSum(try checkedProduct(out - 1, stride), window) - input, 0)
                return (total / 2, total - total / 2)
            }
            let (t, b) = try split(inputH, windowH, strideH)
            let (l, r) = try split(inputW, windowW, strideW)
            return (t, b, l, r)
        }
    }

    static func windowOutput(_ input: Int?, window: Int, stride: Int, padding: Padding, before: Int, after: Int,
                             ceil: Bool, what: String, axis: String) throws(ShapeError) -> Int? {
        guard let input else { return nil }
        if padding == .same { return (try checkedSum(input, stride - 1)) / stride }
        let padded = try checkedSum(input, before, after)
        guard padded >= window else {
            let padNote = padding == .valid ? "" : " padded"
            throw ShapeError("\(what) of \(axis) \(window) is larger than its\(padNote) input \(axis) \(padded)")
        }
        var out = (ceil ? try checkedSum(padded - window, stride - 1) / stride : (padded - window) / stride) + 1
        // PyTorch drops a last window that would start in the right padding.
        if ceil, (out - 1) * stride >= input + before { out -= 1 }
        return out
    }

    static func checkedSum(_ values: Int...) throws(ShapeError) -> Int {
        var total = 0
        for v in values {
            let (r, o) = total.addingReportingOverflow(v)
            guard !o else { throw ShapeError("dimension is too large") }
            total = r
        }
        return total
    }

    static func checkedProduct(_ a: Int, _ b: Int) throws(ShapeError) -> Int {
        let (r, o) = a.multipliedReportingOverflow(by: b)
        guard !o else { throw ShapeError("dimension is too large") }
        return r
    }

    static func expectRank(_ s: TensorShape, _ rank: Int, _ what: String) throws(ShapeError) {
        guard s.rank == rank else {
            let hint = rank == 4 ? " (NHWC)" : ""
            throw ShapeError("\(what) must have rank \(rank)\(hint), got shape \(s)")
        }
    }

    /// Each of `parameters` is a vector of x's channel count (its last axis).
    static func expectPerChannel(_ parameters: [TensorShape], of x: TensorShape, _ what: String) throws(ShapeError) {
        for p in parameters {
            try expectRank(p, 1, what)
            if let c = x.dims.last!, let pc = p[0], c != pc {
                throw ShapeError("channel mismatch: the input \(x) has \(c) channels but \(what) has \(pc)")
            }
        }
    }

    static func saturatingAdd(_ a: Int, _ b: Int) -> Int {
        let (r, o) = a.addingReportingOverflow(b); return o ? Int.max : r
    }

    static func saturatingMul(_ a: Int, _ b: Int) -> Int {
        let (r, o) = a.multipliedReportingOverflow(by: b); return o ? Int.max : r
    }
}
