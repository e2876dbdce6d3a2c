/// TF's `StridedSlice` (what `x[:, 1:3]` makes): along each axis the elements begin, begin +
/// stride, ... before end. `end` = `Int.max` runs to the end (so an unknown batch can be
/// kept whole); axes in `shrinkAxes` were indexed by an integer and leave the output.
public struct SliceAttributes: Hashable, Sendable, Codable {
    public var begin: [Int], end: [Int], strides: [Int]
    public var shrinkAxes: [Int]

    public init(begin: [Int], end: [Int], strides: [Int], shrinkAxes: [Int] = []) {
        self.begin = begin; self.end = end; self.strides = strides; self.shrinkAxes = shrinkAxes
    }

    /// How many elements axis `axis` keeps of an input of `size` elements.
    public func count(axis: Int, size: Int) -> Int {
        let stop = Swift.min(end[axis], size)
        return stop > begin[axis] ? (stop - begin[axis] - 1) / strides[axis] + 1 : 0
    }
}

extension SliceAttributes: OpSchema {
    public var typeName: String { "StridedSlice" }
    public var inputRoles: [InputRole] { [.data] }
    public var attributes: [String] {
        var r = ["begin=\(listText(begin))", "end=\(listText(end.map { $0 == Int.max ? -1 : $0 }))", "strides=\(listText(strides))"]
        if !shrinkAxes.isEmpty { r.append("shrink=\(listText(shrinkAxes))") }
        return r
    }

    public func inferShape(_ inputs: [TensorShape]) throws(ShapeError) -> TensorShape {
        let x = inputs[0]
        guard x.rank >= 1, begin.count == x.rank, end.count == x.rank, strides.count == x.rank else {
            throw ShapeError("a slice of \(x) needs one begin, end and stride per axis")
        }
        guard Set(shrinkAxes).count == shrinkAxes.count, shrinkAxes.allSatisfy({ $0 >= 0 && $0 < x.rank }) else {
            throw ShapeError("slice shrink axes \(listText(shrinkAxes)) must be distinct axes of \(x)")
        }
        var dims: [Int?] = []
        for axis in 0..<x.rank {
            guard strides[axis] >= 1, begin[axis] >= 0 else { throw ShapeError("slice strides must be positive and begins not negative (after wrapping)") }
            let n: Int?
            if let size = x[axis] {
                if begin[axis] > size || (shrinkAxes.contains(axis) && begin[axis] >= size) {
                    throw ShapeError("index \(begin[axis]) is out of range for axis \(axis) of size \(size)")
                }
                let kept = count(axis: axis, size: size)
                // An axis indexed by an integer keeps exactly that element.
                if shrinkAxes.contains(axis), kept != 1 { throw ShapeError("axis \(axis) is indexed by an integer, so its slice must keep one element, not \(kept)") }
                n = kept
            } else {
                guard begin[axis] == 0, end[axis] == Int.max, strides[axis] == 1, !shrinkAxes.contains(axis) else {
                    throw ShapeError("axis \(axis) of \(x) has an unknown size: it can only be kept whole")
                }
                n = nil
            }
            if !shrinkAxes.contains(axis) { dims.append(n) }
        }
        return TensorShape(dims)
    }
}

/// Sum, maximum or minimum over `axes` (non-negative, sorted), as TF's `Sum`, `Max`, `Min`.
public struct ReduceAttributes: Hashable, Sendable, Codable {
    public enum Kind: String, Hashable, Sendable, Codable { case sum, max, min }
    public var kind: Kind
    public var axes: [Int]
    public var keepDims: Bool
    public init(kind: Kind, axes: [Int], keepDims: Bool) { self.kind = kind; self.axes = axes; self.keepDims = keepDims }
}

extension ReduceAttributes: OpSchema {
    public var typeName: String { ["sum": "Sum", "max": "Max", "min": "Min"][kind.rawValue]! }
    public var inputRoles: [InputRole] { [.data] }
    public var attributes: [String] { ["axes=\(listText(axes))", "keep_dims=\(keepDims)"] }
    public func inferShape(_ inputs: [TensorShape]) throws(ShapeError) -> TensorShape {
        try MeanOp(axes: axes, keepDims: keepDims).inferShape(inputs)
    }
}

/// Layer, group and instance normalization: each sample's values (over every axis after the
/// first `leadingAxes`, in `groups` groups of the last axis's channels) made mean 0 and
/// variance 1 (variance with epsilon), then times gamma plus beta per channel.
/// inputs: x, gamma `[C]`, beta `[C]`.
/// - layer norm (slim's `layer_norm`, ONNX's LayerNormalization over the last axis):
///   groups 1; leadingAxes 1 for a CNN's whole sample, rank - 1 for the last axis alone;
/// - instance norm: groups C; group norm: groups G.
public struct NormalizationAttributes: Hashable, Sendable, Codable {
    public enum Kind: String, Hashable, Sendable, Codable { case layer, group, instance }
    public var kind: Kind
    public var groups: Int
    public var leadingAxes: Int
    public var epsilon: Float
    public init(kind: Kind, groups: Int, leadingAxes: Int, epsilon: Float) {
        self.kind = kind; self.groups = groups; self.leadingAxes = leadingAxes; self.epsilon = epsilon
    }
}

extension NormalizationAttributes {
    /// The name TF-slim's composite gives the tensor it returns, inside the layer's scope.
    public var tfOutputName: String {
        switch kind {
        case .layer: return "batchnorm/add_1"
        case .group: return "Reshape_2"
        case .instance: return "instancenorm/add_1"
        }
    }
}

extension NormalizationAttributes: OpSchema {
    public var typeName: String { ["layer": "LayerNorm", "group": "GroupNorm", "instance": "InstanceNorm"][kind.rawValue]! }
    public var inputRoles: [InputRole] { [.data, .gamma, .beta] }
    public var attributes: [String] { ["groups=\(groups)", "leading_axes=\(leadingAxes)", "epsilon=\(IRPrinter.formatFloat(epsilon))"] }
    public func inferShape(_ inputs: [TensorShape]) throws(ShapeError) -> TensorShape {
        let x = inputs[0]
        guard x.rank >= 2, leadingAxes >= 1, leadingAxes < x.rank, let c = x.dims.last! else {
            throw ShapeError("normalization needs a value of rank >= 2 with known channels and leading axes in range, got \(x)")
        }
        guard groups >= 1, c % groups == 0 else { throw ShapeError("\(c) channels do not split into \(groups) groups") }
        for (name, p) in [("gamma", inputs[1]), ("beta", inputs[2])] where p != TensorShape([c]) {
            throw ShapeError("normalization's \(name) must be (\(c),), got \(p)")
        }
        if leadingAxes + 1 < x.rank, x.dims[leadingAxes..<(x.rank - 1)].contains(where: { $0 == nil }) {
            throw ShapeError("normalization needs the sizes it averages over, got \(x)")
        }
        return x
    }
}

/// TF's `MirrorPad`: REFLECT repeats the values next to the edge (the edge itself not),
/// SYMMETRIC repeats from the edge on; one (before, after) pair per axis.
public struct MirrorPadAttributes: Hashable, Sendable, Codable {
    public var paddings: [[Int]]
    public var symmetric: Bool
    public init(paddings: [[Int]], symmetric: Bool) { self.paddings = paddings; self.symmetric = symmetric }
}

extension MirrorPadAttributes: OpSchema {
    public var typeName: String { "MirrorPad" }
    public var inputRoles: [InputRole] { [.data] }
    public var attributes: [String] { ["paddings=[" + paddings.map { listText($0) }.joined(separator: ", ") + "]", "mode=\(symmetric ? "SYMMETRIC" : "REFLECT")"] }
    public func inferShape(_ inputs: [TensorShape]) throws(ShapeError) -> TensorShape {
        let x = inputs[0]
        guard paddings.count == x.rank, paddings.allSatisfy({ $0.count == 2 && $0[0] >= 0 && $0[1] >= 0 }) else {
            throw ShapeError("mirror padding needs a (before, after) pair of non-negative sizes per axis of \(x)")
        }
        var dims: [Int?] = []
        for (axis, d) in x.dims.enumerated() {
            let (b, a) = (paddings[axis][0], paddings[axis][1])
            guard let d else {
                guard b == 0, a == 0 else { throw ShapeError("cannot mirror-pad axis \(axis) of unknown size") }
                dims.append(nil); continue
            }
            // REFLECT leaves the edge out, so it can add at most size - 1; SYMMETRIC at most size.
            let limit = symmetric ? d : d - 1
            guard b <= limit, a <= limit else {
                throw ShapeError("\(symmetric ? "SYMMETRIC" : "REFLECT") padding of \(max(b, a)) is more than axis \(axis) of size \(d) allows (\(limit))")
            }
            dims.append(d + b + a)
        }
        return TensorShape(dims)
    }
}
