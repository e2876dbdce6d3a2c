/// Mean over `axes` (non-negative, sorted), keeping them as size 1 with `keepDims`.
public struct MeanOp: OpSchema {
    public let axes: [Int]
    public let keepDims: Bool

    public var typeName: String { "Mean" }
    public var inputRoles: [InputRole] { [.data] }
    public var attributes: [String] { ["axes=\(listText(axes))", "keep_dims=\(keepDims)"] }

    public func inferShape(_ inputs: [TensorShape]) throws(ShapeError) -> TensorShape {
        let x = inputs[0]
        for axis in axes where axis < 0 || axis >= x.rank {
            throw ShapeError("axis \(axis) is out of range for a tensor of rank \(x.rank)")
        }
        var dims: [Int?] = []
        for (i, d) in x.dims.enumerated() {
            if axes.contains(i) { if keepDims { dims.append(1) } } else { dims.append(d) }
        }
        return TensorShape(dims)
    }
}

/// Concatenation along `axis` of any number of inputs that agree elsewhere.
public struct ConcatOp: OpSchema {
    public let axis: Int

    public var typeName: String { "ConcatV2" }
    public var inputRoles: [InputRole] { [.data] }
    public var isVariadic: Bool { true }
    public var attributes: [String] { ["axis=\(axis)"] }

    public func inferShape(_ inputs: [TensorShape]) throws(ShapeError) -> TensorShape {
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
            if let t = total, let d = s[axis] { total = try ShapeRules.checkedSum(t, d) } else { total = nil }
        }
        var dims = first.dims
        dims[axis] = total
        return TensorShape(dims)
    }
}

/// Zero padding; one (before, after) pair per axis.
public struct PadOp: OpSchema {
    public let paddings: [[Int]]

    public var typeName: String { "Pad" }
    public var inputRoles: [InputRole] { [.data] }
    public var attributes: [String] { ["paddings=[" + paddings.map { listText($0) }.joined(separator: ", ") + "]"] }

    public func inferShape(_ inputs: [TensorShape]) throws(ShapeError) -> TensorShape {
        let x = inputs[0]
        guard paddings.count == x.rank, paddings.allSatisfy({ $0.count == 2 }) else {
            throw ShapeError("pad needs one [before, after] pair per axis: \(x.rank) pairs for \(x), got \(paddings.count)")
        }
        guard paddings.allSatisfy({ $0[0] >= 0 && $0[1] >= 0 }) else { throw ShapeError("pad amounts must not be negative") }
        var dims: [Int?] = []
        for (d, p) in zip(x.dims, paddings) {
            if let d { dims.append(try ShapeRules.checkedSum(d, p[0], p[1])) } else { dims.append(nil) }
        }
        return TensorShape(dims)
    }
}

/// Removes the listed size-1 axes. A view: no kernel runs.
public struct SqueezeOp: OpSchema {
    public let axes: [Int]

    public var typeName: String { "Squeeze" }
    public var inputRoles: [InputRole] { [.data] }
    public var isView: Bool { true }
    public var attributes: [String] { ["axes=\(listText(axes))"] }

    public func inferShape(_ inputs: [TensorShape]) throws(ShapeError) -> TensorShape {
        // Axes are always explicit (the builder picks the dimensions known to be 1), so a
        // batch that turns out to be 1 at run time is never squeezed away.
        let x = inputs[0]
        for axis in axes {
            guard axis >= 0, axis < x.rank else { throw ShapeError("squeeze axis \(axis) is out of range for \(x)") }
            if let d = x[axis], d != 1 { throw ShapeError("cannot squeeze axis \(axis) of \(x): its size is \(d), not 1") }
        }
        return TensorShape(x.dims.enumerated().filter { !axes.contains($0.offset) }.map(\.element))
    }
}

/// The input's values in another shape; -1 is inferred, nil carried over from an unknown batch.
/// A view: no kernel runs.
public struct ReshapeOp: OpSchema {
    public let shape: [Int?]

    public var typeName: String { "Reshape" }
    public var inputRoles: [InputRole] { [.data] }
    public var isView: Bool { true }
    public var attributes: [String] { ["shape=[" + shape.map { $0.map(String.init) ?? "?" }.joined(separator: ", ") + "]"] }

    public func inferShape(_ inputs: [TensorShape]) throws(ShapeError) -> TensorShape {
        let x = inputs[0], target = shape
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
}

/// Resizing `[N, H, W, C]` to `[N, height, width, C]`, bilinear or nearest, with the
/// coordinate mapping of TF1 (`asymmetric`: source = out * in / out_size), TF2 and PyTorch
/// (`half_pixel`), `align_corners`, or ONNX's others. TF1's `resize_bilinear` is bilinear +
/// asymmetric; `resize_nearest_neighbor` is nearest + asymmetric + floor.
public struct ResizeAttributes: Hashable, Sendable, Codable {
    public enum Method: String, Hashable, Sendable, Codable { case bilinear, nearest }

    /// Where output pixel `o` samples the input, for sizes `input` -> `output` (ONNX's
    /// coordinate_transformation_mode).
    public enum Coordinates: String, Hashable, Sendable, Codable {
        /// o * scale (TF1's default, ONNX asymmetric).
        case asymmetric
        /// (o + 0.5) * scale - 0.5 (TF2, PyTorch's align_corners=False, ONNX's default).
        case halfPixel = "half_pixel"
        /// o * (in - 1) / (out - 1): the corner pixels line up.
        case alignCorners = "align_corners"
        /// half_pixel, but 0 when the output has one pixel (PyTorch's exports).
        case pytorchHalfPixel = "pytorch_half_pixel"
        /// (o + 0.5) * scale (TF's nearest neighbour with half-pixel centres).
        case tfHalfPixelForNN = "tf_half_pixel_for_nn"
    }

    /// How nearest rounds a source coordinate to a pixel (ONNX's nearest_mode).
    public enum Rounding: String, Hashable, Sendable, Codable {
        case floor, ceil
        case roundPreferFloor = "round_prefer_floor"
        case roundPreferCeil = "round_prefer_ceil"
    }

    public var height: Int, width: Int
    public var method: Method
    public var coordinates: Coordinates
    public var rounding: Rounding
    /// ONNX's scales, when the model gives them: the mapping then uses 1 / scale, not in / out.
    public var scaleH: Float?, scaleW: Float?

    public init(height: Int, width: Int, method: Method = .bilinear, coordinates: Coordinates = .asymmetric, rounding: Rounding = .floor,
                scaleH: Float? = nil, scaleW: Float? = nil) {
        self.height = height; self.width = width; self.method = method; self.coordinates = coordinates; self.rounding = rounding
        self.scaleH = scaleH; self.scaleW = scaleW
    }

    /// The input coordinate output pixel `o` samples along an axis of `input` -> `output` pixels.
    @inlinable
    public func source(_ o: Int, input: Int, output: Int, scale: Float?) -> Float {
        let ratio = scale.map { 1 / $0 } ?? Float(input) / Float(output)
        switch coordinates {
        case .asymmetric: return Float(o) * ratio
        case .halfPixel: return (Float(o) + 0.5) * ratio - 0.5
        case .pytorchHalfPixel: return output > 1 ? (Float(o) + 0.5) * ratio - 0.5 : 0
        case .tfHalfPixelForNN: return (Float(o) + 0.5) * ratio
        case .alignCorners: return output > 1 ? Float(o) * Float(input - 1) / Float(output - 1) : 0
        }
    }

    /// Nearest: the input pixel for source coordinate `s`, inside [0, input).
    @inlinable
    public func nearest(_ s: Float, input: Int) -> Int {
        let r: Float
        switch rounding {
        case .floor: r = s.rounded(.down)
        case .ceil: r = s.rounded(.up)
        case .roundPreferFloor: r = s - s.rounded(.down) == 0.5 ? s.rounded(.down) : s.rounded()
        case .roundPreferCeil: r = s - s.rounded(.down) == 0.5 ? s.rounded(.up) : s.rounded()
        }
        return Swift.min(Swift.max(Int(Swift.min(Swift.max(r, -1), Float(input))), 0), input - 1)
    }
}

extension ResizeAttributes: OpSchema {
    public var typeName: String { method == .bilinear ? "ResizeBilinear" : "ResizeNearestNeighbor" }
    public var inputRoles: [InputRole] { [.data] }
    public var attributes: [String] {
        var r = ["size=[\(height), \(width)]"]
        if coordinates != .asymmetric { r.append("coordinates=\(coordinates.rawValue)") }
        if method == .nearest, rounding != .floor { r.append("rounding=\(rounding.rawValue)") }
        if let scaleH, let scaleW { r.append("scales=[\(IRPrinter.formatFloat(scaleH)), \(IRPrinter.formatFloat(scaleW))]") }
        return r
    }

    public func inferShape(_ inputs: [TensorShape]) throws(ShapeError) -> TensorShape {
        let x = inputs[0]
        try ShapeRules.expectRank(x, 4, "the input of a resize")
        guard height > 0, width > 0 else { throw ShapeError("resize size must be positive, got [\(height), \(width)]") }
        if x[1] == 0 || x[2] == 0 { throw ShapeError("cannot resize an empty image \(x)") }
        for scale in [scaleH, scaleW] {
            // Bounded so every source coordinate (output size / scale) stays a representable index.
            if let scale, !(scale >= 1e-6 && scale <= 1e6) { throw ShapeError("resize scales must be between 1e-6 and 1e6, got \(scale)") }
        }
        return TensorShape([x[0], height, width, x[3]])
    }
}

/// Axis permutation: output axis i is input axis `permutation[i]` (TF's and NumPy's `perm`).
public struct TransposeOp: OpSchema {
    public let permutation: [Int]

    public var typeName: String { "Transpose" }
    public var inputRoles: [InputRole] { [.data] }
    public var attributes: [String] { ["perm=\(listText(permutation))"] }

    public func inferShape(_ inputs: [TensorShape]) throws(ShapeError) -> TensorShape {
        let x = inputs[0]
        guard permutation.count == x.rank, permutation.sorted() == Array(0..<x.rank) else {
            throw ShapeError("transpose's perm \(listText(permutation)) is not a permutation of the \(x.rank) axes of \(x)")
        }
        return TensorShape(permutation.map { x[$0] })
    }
}
