/// A shape rule that failed: the message says which shapes disagree and how.
public struct ShapeError: Error, Sendable, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
}

/// Output-shape rules for every op. The builder applies them as nodes are made and the
/// verifier applies them again to a whole graph.
public enum ShapeInference {
    public static func infer(_ op: Op, inputs: [TensorShape]) throws(ShapeError) -> TensorShape {
        switch op {
        case .placeholder, .variable, .constant:
            throw ShapeError("\(op.typeName) has no shape rule: its shape is given when it is made")
        case let .conv2d(a):
            try expectInputs(op, inputs, 2 + a.epilogue.extraInputs)
            let x = inputs[0], w = inputs[1]
            try expectRank(x, 4, "the input of conv2d")
            try expectRank(w, 4, "conv2d weights")
            guard let kh = w[0], let kw = w[1], let cout = w[3] else { throw ShapeError("conv2d weights must have a static shape, got \(w)") }
            guard a.dilationH >= 1, a.dilationW >= 1, kh >= 1, kw >= 1 else { throw ShapeError("conv2d kernel and dilation must be positive") }
            _ = try checkedSum(try checkedProduct(kh - 1, a.dilationH), 1)
            _ = try checkedSum(try checkedProduct(kw - 1, a.dilationW), 1)
            if let cin = x[3], let wcin = w[2], cin != wcin {
                throw ShapeError("channel mismatch: the input \(x) has \(cin) channels but the weights \(w) expect \(wcin)")
            }
            let (pt, pb, pl, pr) = try explicitPads(a.padding, inputH: x[1], inputW: x[2], windowH: (kh - 1) * a.dilationH + 1,
                                                   windowW: (kw - 1) * a.dilationW + 1, strideH: a.strideH, strideW: a.strideW)
            let h = try windowOutput(x[1], window: (kh - 1) * a.dilationH + 1, stride: a.strideH, padding: a.padding, before: pt, after: pb,
                                     ceil: false, what: "convolution kernel", axis: "height")
            let wd = try windowOutput(x[2], window: (kw - 1) * a.dilationW + 1, stride: a.strideW, padding: a.padding, before: pl, after: pr,
                                      ceil: false, what: "convolution kernel", axis: "width")
            let y = TensorShape([x[0], h, wd, cout])
            try checkEpilogue(a.epilogue, y, Array(inputs.dropFirst(2)))
            return y
        case .biasAdd:
            try expectInputs(op, inputs, 2)
            let x = inputs[0], b = inputs[1]
            try expectRank(b, 1, "a bias")
            guard x.rank >= 1 else { throw ShapeError("bias_add needs an input of rank >= 1, got \(x)") }
            if let c = x.dims.last!, let bc = b[0], c != bc {
                throw ShapeError("channel mismatch: the input \(x) has \(c) channels but the bias has \(bc)")
            }
            return x
        case let .batchNorm(_, hasScale, hasOffset):
            let count = 3 + (hasScale ? 1 : 0) + (hasOffset ? 1 : 0)
            try expectInputs(op, inputs, count)
            let x = inputs[0]
            guard x.rank >= 2 else { throw ShapeError("batch_norm needs an input of rank >= 2, got \(x)") }
            for p in inputs.dropFirst() {
                try expectRank(p, 1, "a batch_norm parameter")
                if let c = x.dims.last!, let pc = p[0], c != pc {
                    throw ShapeError("channel mismatch: the input \(x) has \(c) channels but a batch_norm parameter has \(pc)")
                }
            }
            return x
        case .relu, .relu6, .sigmoid, .tanh:
            try expectInputs(op, inputs, 1)
            return inputs[0]
        case .softmax:
            try expectInputs(op, inputs, 1)
            guard inputs[0].rank >= 1 else { throw ShapeError("softmax needs an input of rank >= 1") }
            return inputs[0]
        case let .maxPool(a), let .avgPool(a):
            try expectInputs(op, inputs, 1)
            let x = inputs[0]
            try expectRank(x, 4, "the input of pooling")
            if case let .explicit(t, b, l, r) = a.padding, max(t, b) > a.windowH / 2 || max(l, r) > a.windowW / 2 {
                throw ShapeError("pooling padding \(a.padding) must be at most half the \(a.windowH)x\(a.windowW) window (as PyTorch requires), or a window would cover only padding")
            }
            let (pt, pb, pl, pr) = try explicitPads(a.padding, inputH: x[1], inputW: x[2], windowH: a.windowH, windowW: a.windowW,
                                                   strideH: a.strideH, strideW: a.strideW)
            let h = try windowOutput(x[1], window: a.windowH, stride: a.strideH, padding: a.padding, before: pt, after: pb,
                                     ceil: a.ceilMode, what: "pooling window", axis: "height")
            let w = try windowOutput(x[2], window: a.windowW, stride: a.strideW, padding: a.padding, before: pl, after: pr,
                                     ceil: a.ceilMode, what: "pooling window", axis: "width")
            return TensorShape([x[0], h, w, x[3]])
        case let .mean(axes, keepDims):
            try expectInputs(op, inputs, 1)
            let x = inputs[0]
            for axis in axes where axis < 0 || axis >= x.rank {
                throw ShapeError("axis \(axis) is out of range for a tensor of rank \(x.rank)")
            }
            var dims: [Int?] = []
            for (i, d) in x.dims.enumerated() {
                if axes.contains(i) { if keepDims { dims.append(1) } } else { dims.append(d) }
            }
            return TensorShape(dims)
        case let .matMul(epilogue):
            try expectInputs(op, inputs, 2 + epilogue.extraInputs)
            let x = inputs[0], w = inputs[1]
            guard x.rank >= 2 else { throw ShapeError("fully_connected needs an input of rank >= 2, got \(x)") }
            try expectRank(w, 2, "fully_connected weights")
            if let k = x.dims.last!, let wk = w[0], k != wk {
                throw ShapeError("channel mismatch: the input \(x) has \(k) features but the weights \(w) expect \(wk)")
            }
            let y = TensorShape(Array(x.dims.dropLast()) + [w[1]])
            try checkEpilogue(epilogue, y, Array(inputs.dropFirst(2)))
            return y
        case .scaleShift:
            try expectInputs(op, inputs, 3)
            let x = inputs[0]
            guard x.rank >= 1 else { throw ShapeError("scale_shift needs an input of rank >= 1, got \(x)") }
            for p in inputs.dropFirst() {
                try expectRank(p, 1, "a scale or shift")
                if let c = x.dims.last!, let pc = p[0], c != pc {
                    throw ShapeError("channel mismatch: the input \(x) has \(c) channels but a scale or shift has \(pc)")
                }
            }
            return x
        case .add, .mul:
            try expectInputs(op, inputs, 2)
            return try broadcast(inputs[0], inputs[1], verb: op == .add ? "add" : "multiply")
        case let .concat(axis):
            guard let first = inputs.first else { throw ShapeError("concat needs at least one input") }
            guard axis >= 0, axis < first.rank else { throw ShapeError("concat axis \(axis) is out of range for rank \(first.rank)") }
            var total: Int? = 0
            for s in inputs {
                guard s.rank == first.rank else { throw ShapeError("concat inputs differ in rank: \(first) and \(s)") }
                for i in 0..<s.rank where i != axis {
                    if let a = first[i], let b = s[i], a != b {
                        throw ShapeError("concat inputs differ outside axis \(axis): \(first) and \(s)")
                    }
                }
                if let t = total, let d = s[axis] { total = try checkedSum(t, d) } else { total = nil }
            }
            var dims = first.dims
            dims[axis] = total
            return TensorShape(dims)
        case let .pad(pads):
            try expectInputs(op, inputs, 1)
            let x = inputs[0]
            guard pads.count == x.rank, pads.allSatisfy({ $0.count == 2 }) else {
                throw ShapeError("pad needs one [before, after] pair per axis: \(x.rank) pairs for \(x), got \(pads.count)")
            }
            guard pads.allSatisfy({ $0[0] >= 0 && $0[1] >= 0 }) else { throw ShapeError("pad amounts must not be negative") }
            var dims: [Int?] = []
            for (d, p) in zip(x.dims, pads) {
                if let d { dims.append(try checkedSum(d, p[0], p[1])) } else { dims.append(nil) }
            }
            return TensorShape(dims)
        case let .squeeze(axes):
            // Axes are always explicit (the builder picks the dimensions known to be 1), so a
            // batch that turns out to be 1 at run time is never squeezed away.
            try expectInputs(op, inputs, 1)
            let x = inputs[0]
            for axis in axes {
                guard axis >= 0, axis < x.rank else { throw ShapeError("squeeze axis \(axis) is out of range for \(x)") }
                if let d = x[axis], d != 1 { throw ShapeError("cannot squeeze axis \(axis) of \(x): its size is \(d), not 1") }
            }
            return TensorShape(x.dims.enumerated().filter { !axes.contains($0.offset) }.map(\.element))
        case let .reshape(target):
            try expectInputs(op, inputs, 1)
            return try reshape(inputs[0], to: target)
        case let .resizeBilinear(h, w):
            try expectInputs(op, inputs, 1)
            try expectRank(inputs[0], 4, "the input of resize_bilinear")
            guard h > 0, w > 0 else { throw ShapeError("resize size must be positive, got [\(h), \(w)]") }
            if inputs[0][1] == 0 || inputs[0][2] == 0 { throw ShapeError("cannot resize an empty image \(inputs[0])") }
            return TensorShape([inputs[0][0], h, w, inputs[0][3]])
        }
    }

    /// A fused epilogue's bias is [C] and its residual has the output's shape.
    static func checkEpilogue(_ e: Epilogue, _ y: TensorShape, _ extra: [TensorShape]) throws(ShapeError) {
        var rest = extra[...]
        if e.bias, let b = rest.popFirst() {
            try expectRank(b, 1, "a fused bias")
            if let c = y.dims.last!, let bc = b[0], c != bc { throw ShapeError("channel mismatch: the output \(y) has \(c) channels but the fused bias has \(bc)") }
        }
        if e.residual, let r = rest.popFirst() {
            guard r.rank == y.rank, zip(r.dims, y.dims).allSatisfy({ $0 == nil || $1 == nil || $0 == $1 }) else {
                throw ShapeError("a fused residual must have the output's shape \(y), got \(r)")
            }
        }
    }

    /// NumPy broadcasting of two shapes.
    public static func broadcast(_ a: TensorShape, _ b: TensorShape, verb: String) throws(ShapeError) -> TensorShape {
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

    static func reshape(_ x: TensorShape, to target: [Int?]) throws(ShapeError) -> TensorShape {
        let inferred = target.indices.filter { target[$0] == -1 }
        guard inferred.count <= 1 else { throw ShapeError("reshape can infer at most one dimension (-1), got \(inferred.count)") }
        var known = 1
        for d in target {
            if let d, d != -1 {
                guard d >= 0 else { throw ShapeError("reshape dimensions must be non-negative or -1") }
                known = known.multipliedReportingOverflow(by: d).overflow ? Int.max : known * d
            }
        }
        var dims = target
        if let total = x.elementCount {
            if let i = inferred.first {
                guard known > 0, total % known == 0 else { throw ShapeError("cannot reshape \(x) (\(total) elements) to \(TensorShape(target))") }
                dims[i] = total / known
            } else if !target.contains(where: { $0 == nil }), known != total {
                throw ShapeError("cannot reshape \(x) (\(total) elements) to \(TensorShape(target)) (\(known) elements)")
            }
        } else if let i = inferred.first {
            dims[i] = nil
        }
        return TensorShape(dims)
    }

    /// The explicit (top, bottom, left, right) pads a padding means for a known input; SAME
    /// follows TensorFlow: total = max((out - 1) * stride + window - in, 0), bottom/right get the extra.
    public static func explicitPads(_ padding: Padding, inputH: Int?, inputW: Int?, windowH: Int, windowW: Int,
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

    private static func expectInputs(_ op: Op, _ inputs: [TensorShape], _ n: Int) throws(ShapeError) {
        guard inputs.count == n else { throw ShapeError("\(op.typeName) takes \(n) inputs, got \(inputs.count)") }
    }

    private static func expectRank(_ s: TensorShape, _ rank: Int, _ what: String) throws(ShapeError) {
        guard s.rank == rank else {
            let hint = rank == 4 ? " (NHWC)" : ""
            throw ShapeError("\(what) must have rank \(rank)\(hint), got shape \(s)")
        }
    }
}
