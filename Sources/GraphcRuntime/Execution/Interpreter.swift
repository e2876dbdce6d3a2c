import Foundation
import GraphcIR
import GraphcPasses

/// How to run a graph.
public struct RunOptions: Sendable {
    /// Threads for OpenBLAS and graphc's own kernels.
    public var threads: Int
    /// Run every node on the plain nested-loop reference kernels (each value in its own buffer).
    public var reference: Bool
    /// Share arena memory between values whose lifetimes do not overlap (`--no-reuse` turns it off).
    public var reuse: Bool

    public init(threads: Int = ProcessInfo.processInfo.activeProcessorCount, reference: Bool = false, reuse: Bool = true) {
        self.threads = max(1, threads)
        self.reference = reference
        self.reuse = reuse
    }
}

/// A mismatch between a graph and what it is run with (input shapes, missing inputs).
public struct RuntimeError: Error, Sendable, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Executes a graph for one set of input shapes: shapes are resolved, every intermediate gets
/// a fixed place in one preallocated arena, and each node becomes a step with its pointers and
/// geometry worked out, so `run` allocates nothing per node and can be called again and again.
public final class Interpreter {
    public let graph: Graph
    /// The concrete shape of every node for this plan.
    public let shapes: [[Int]]
    public let outputs: [NodeID]
    public let options: RunOptions
    /// Where every value and scratch area lives in the arena.
    public let assignment: BufferAssignment
    /// The plan made for these shapes (nil when a compiled plan's assignment was used as is).
    public let memoryPlan: MemoryPlan?
    /// Bytes of the arena holding inputs, intermediates and im2col scratch.
    public var arenaBytes: Int { assignment.arenaBytes }
    /// Bytes of the largest im2col scratch area (inside the arena).
    public var scratchBytes: Int { assignment.scratch.map { $0.elements * 4 }.max() ?? 0 }

    private let arena: UnsafeMutableRawPointer
    private var pointers: [UnsafeMutablePointer<Float>]
    private var steps: [Step] = []
    private var owned: [UnsafeMutableBufferPointer<Float>] = []
    private let weights: WeightStore

    /// Plans `graph` for the given placeholder shapes (every placeholder must have one). A
    /// compiled `assignment` made for exactly these shapes is used instead of planning again.
    public init(graph: Graph, weights: WeightStore, inputShapes: [NodeID: [Int]], options: RunOptions = RunOptions(),
                compiled: (shapes: [[Int]], assignment: BufferAssignment)? = nil) throws(RuntimeError) {
        self.graph = graph
        self.weights = weights
        self.options = options
        self.outputs = graph.outputs
        BLAS.setThreads(options.threads)

        // 1. Shapes for these inputs.
        var shapes: [[Int]] = []
        for node in graph.nodes {
            switch node.op {
            case .placeholder:
                guard let given = inputShapes[node.id] else { throw RuntimeError("no input for placeholder '\(node.name)' \(node.shape)") }
                guard given.count == node.shape.rank, zip(given, node.shape.dims).allSatisfy({ $1 == nil || $0 == $1! }) else {
                    throw RuntimeError("input '\(node.name)' has shape \(TensorShape(given.map { $0 })), the graph expects \(node.shape)")
                }
                do { try GraphBuilder.checkSize(TensorShape(given.map { $0 }), "input '\(node.name)'") } catch { throw RuntimeError(error.message) }
                shapes.append(given)
            case .variable, .constant:
                shapes.append(node.shape.dims.map { $0 ?? 0 })
            default:
                do {
                    let s = try ShapeInference.infer(node.op, inputs: node.inputs.map { TensorShape(shapes[$0].map { $0 }) })
                    try GraphBuilder.checkSize(s, "'\(node.name)'")
                    shapes.append(s.dims.map { $0 ?? 0 })
                } catch {
                    throw RuntimeError("'\(node.name)': \(error.message)")
                }
            }
        }
        self.shapes = shapes

        // 2. One arena planned by liveness: values and im2col scratch share memory when their
        //    lifetimes do not overlap; elementwise ops and residual epilogues run in place.
        if let compiled, compiled.shapes == shapes, options.reuse, !options.reference {
            memoryPlan = nil
            assignment = compiled.assignment
        } else {
            let plan = MemoryPlan(graph: graph, shapes: shapes, reuse: options.reuse && !options.reference)
            memoryPlan = plan
            assignment = plan.assignment
        }
        let plan = assignment
        let weightBytes = graph.variables.reduce(0) { $0 + ($1.shape.elementCount ?? 0) * 4 }
        try MemoryBudget.check(plan.arenaBytes + weightBytes, "the arena of this plan with its weights")
        arena = UnsafeMutableRawPointer.allocate(byteCount: max(plan.arenaBytes, 64), alignment: BufferPlanner.alignment)
        arena.initializeMemory(as: UInt8.self, repeating: 0, count: max(plan.arenaBytes, 64))

        // 3. Pointers: weights in place, constants owned, the rest in the arena.
        let base = arena.assumingMemoryBound(to: Float.self)
        var pointers = [UnsafeMutablePointer<Float>](repeating: base, count: graph.nodes.count)
        for node in graph.nodes {
            switch node.op {
            case .variable:
                guard let p = weights[node.name] else { throw RuntimeError("no value for variable '\(node.name)'") }
                pointers[node.id] = UnsafeMutablePointer(mutating: p)
            case .constant(let values):
                let b = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(values.count, 1))
                _ = b.initialize(from: values)
                owned.append(b)
                pointers[node.id] = b.baseAddress!
            case .reshape, .squeeze:
                pointers[node.id] = pointers[node.inputs[0]]
            default:
                pointers[node.id] = (arena + (plan.valueOffset[node.id] ?? 0)).assumingMemoryBound(to: Float.self)
            }
        }
        self.pointers = pointers
        if !options.reference { steps = graph.nodes.compactMap { makeStep($0) } }
    }

    deinit {
        arena.deallocate()
        for b in owned { b.deallocate() }
    }

    /// Plans with the placeholders' own shapes, an unknown batch taken as `batch`.
    public convenience init(graph: Graph, weights: WeightStore, batch: Int, options: RunOptions = RunOptions()) throws(RuntimeError) {
        var shapes: [NodeID: [Int]] = [:]
        for p in graph.placeholders {
            let dims = p.shape.dims
            guard dims.dropFirst().allSatisfy({ $0 != nil }) else {
                throw RuntimeError("placeholder '\(p.name)' \(p.shape) has unknown dimensions besides the batch; give an input")
            }
            shapes[p.id] = [dims.first.map { $0 ?? batch } ?? batch] + dims.dropFirst().map { $0! }
            if dims.isEmpty { shapes[p.id] = [] }
        }
        try self.init(graph: graph, weights: weights, inputShapes: shapes, options: options)
    }

    /// Runs the graph on `inputs` (one per placeholder, in the planned shapes) and returns
    /// the outputs in `outputs` order.
    public func run(_ inputs: [NodeID: HostTensor]) throws(RuntimeError) -> [HostTensor] {
        for p in graph.placeholders {
            guard let t = inputs[p.id] else { throw RuntimeError("no input for placeholder '\(p.name)'") }
            guard t.shape == shapes[p.id] else {
                throw RuntimeError("input '\(p.name)' has shape \(TensorShape(t.shape.map { $0 })), the plan was made for \(TensorShape(shapes[p.id].map { $0 }))")
            }
            t.data.withUnsafeBufferPointer { pointers[p.id].update(from: $0.baseAddress!, count: t.count) }
        }
        execute()
        return outputs.map { id in
            let count = shapes[id].reduce(1, *)
            return HostTensor(shape: shapes[id], data: Array(UnsafeBufferPointer(start: pointers[id], count: count)))
        }
    }

    /// Runs the planned steps on whatever the input buffers hold (the benchmark loop).
    public func execute() {
        if options.reference {
            for node in graph.nodes where !node.op.isSource { runReference(node) }
        } else {
            for step in steps { perform(step) }
        }
    }

    // MARK: Steps

    private enum Step {
        case conv(ConvGeometry, x: UnsafePointer<Float>, w: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, epilogue: EpiloguePointers,
                  scratch: UnsafeMutablePointer<Float>?, tileRows: Int)
        case maxPool(PoolGeometry, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>)
        case avgPool(PoolGeometry, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>)
        case affine(x: UnsafePointer<Float>, scale: UnsafePointer<Float>?, shift: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, rows: Int, channels: Int)
        case activation(ElementwiseKernel.Activation, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, count: Int)
        case binary(add: Bool, a: UnsafePointer<Float>, aStrides: [Int], b: UnsafePointer<Float>, bStrides: [Int], y: UnsafeMutablePointer<Float>, shape: [Int])
        case matMul(x: UnsafePointer<Float>, w: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, epilogue: EpiloguePointers, rows: Int, k: Int, n: Int)
        case scaleShift(Activation, x: UnsafePointer<Float>, scale: UnsafePointer<Float>, shift: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, rows: Int, channels: Int)
        case mean(x: UnsafePointer<Float>, shape: [Int], reduced: [Bool], y: UnsafeMutablePointer<Float>)
        case softmax(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, rows: Int, width: Int)
        case concat(inputs: [(pointer: UnsafePointer<Float>, axisSize: Int)], outer: Int, inner: Int, y: UnsafeMutablePointer<Float>)
        case pad(x: UnsafePointer<Float>, shape: [Int], pads: [[Int]], y: UnsafeMutablePointer<Float>)
        case resize(x: UnsafePointer<Float>, shape: [Int], outHeight: Int, outWidth: Int, y: UnsafeMutablePointer<Float>)
    }

    static func convGeometry(_ node: Node, _ shapes: [[Int]]) -> ConvGeometry {
        guard case let .conv2d(a) = node.op else { preconditionFailure("not a convolution") }
        let x = shapes[node.inputs[0]], w = shapes[node.inputs[1]], y = shapes[node.id]
        let pads = try? ShapeInference.explicitPads(a.padding, inputH: x[1], inputW: x[2], windowH: (w[0] - 1) * a.dilationH + 1,
                                                    windowW: (w[1] - 1) * a.dilationW + 1, strideH: a.strideH, strideW: a.strideW)
        return ConvGeometry(batch: x[0], inHeight: x[1], inWidth: x[2], inChannels: x[3], kernelHeight: w[0], kernelWidth: w[1],
                            outChannels: w[3], strideH: a.strideH, strideW: a.strideW, dilationH: a.dilationH, dilationW: a.dilationW,
                            padTop: pads?.0 ?? 0, padLeft: pads?.2 ?? 0, outHeight: y[1], outWidth: y[2])
    }

    /// The bias and residual inputs after (x, weights), as the epilogue lists them.
    private func epiloguePointers(_ node: Node, _ e: Epilogue) -> EpiloguePointers {
        var next = 2
        var result = EpiloguePointers(bias: nil, residual: nil, activation: e.activation)
        if e.bias { result.bias = UnsafePointer(pointers[node.inputs[next]]); next += 1 }
        if e.residual { result.residual = UnsafePointer(pointers[node.inputs[next]]) }
        return result
    }

    private func makeStep(_ node: Node) -> Step? {
        let y = pointers[node.id]
        func input(_ i: Int) -> UnsafePointer<Float> { UnsafePointer(pointers[node.inputs[i]]) }
        let shape = shapes[node.id]
        let count = shape.reduce(1, *)
        switch node.op {
        case .placeholder, .variable, .constant, .reshape, .squeeze:
            return nil
        case let .conv2d(a):
            let g = Self.convGeometry(node, shapes)
            let area = assignment.scratchArea(for: node.id)
            return .conv(g, x: input(0), w: input(1), y: y, epilogue: epiloguePointers(node, a.epilogue),
                         scratch: area.map { (arena + $0.offset).assumingMemoryBound(to: Float.self) },
                         tileRows: max(1, (area?.elements ?? g.k) / max(g.k, 1)))
        case let .maxPool(a), let .avgPool(a):
            let x = shapes[node.inputs[0]]
            let pads = (try? ShapeInference.explicitPads(a.padding, inputH: x[1], inputW: x[2], windowH: a.windowH, windowW: a.windowW,
                                                         strideH: a.strideH, strideW: a.strideW)) ?? (0, 0, 0, 0)
            var countPadding = false
            if case .explicit = a.padding { countPadding = a.countIncludePad }
            let g = PoolGeometry(batch: x[0], inHeight: x[1], inWidth: x[2], channels: x[3], windowH: a.windowH, windowW: a.windowW,
                                 strideH: a.strideH, strideW: a.strideW, padTop: pads.0, padLeft: pads.2, padBottom: pads.1, padRight: pads.3,
                                 outHeight: shape[1], outWidth: shape[2], countPadding: countPadding)
            if case .maxPool = node.op { return .maxPool(g, x: input(0), y: y) }
            return .avgPool(g, x: input(0), y: y)
        case .biasAdd:
            let c = shape.last ?? 1
            return .affine(x: input(0), scale: nil, shift: input(1), y: y, rows: count / max(c, 1), channels: c)
        case let .batchNorm(epsilon, hasScale, hasOffset):
            // Inference batch norm as one affine map per channel:
            // scale = gamma / sqrt(var + eps), shift = beta - mean * scale.
            let c = shape.last ?? 1
            var next = 1
            let gamma = hasScale ? input(next) : nil
            if hasScale { next += 1 }
            let beta = hasOffset ? input(next) : nil
            if hasOffset { next += 1 }
            let mean = input(next), variance = input(next + 1)
            let scale = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(c, 1))
            let shift = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(c, 1))
            owned.append(scale); owned.append(shift)
            for ch in 0..<c {
                let s = Double(gamma?[ch] ?? 1) / (Double(variance[ch]) + Double(epsilon)).squareRoot()
                scale[ch] = Float(s)
                shift[ch] = Float(Double(beta?[ch] ?? 0) - Double(mean[ch]) * s)
            }
            return .affine(x: input(0), scale: UnsafePointer(scale.baseAddress!), shift: UnsafePointer(shift.baseAddress!), y: y,
                           rows: count / max(c, 1), channels: c)
        case .relu: return .activation(.relu, x: input(0), y: y, count: count)
        case .relu6: return .activation(.relu6, x: input(0), y: y, count: count)
        case .sigmoid: return .activation(.sigmoid, x: input(0), y: y, count: count)
        case .tanh: return .activation(.tanh, x: input(0), y: y, count: count)
        case .softmax:
            let width = shape.last ?? 1
            return .softmax(x: input(0), y: y, rows: count / max(width, 1), width: width)
        case .add, .mul:
            return .binary(add: node.op == .add,
                           a: input(0), aStrides: ElementwiseKernel.broadcastStrides(shapes[node.inputs[0]], to: shape),
                           b: input(1), bStrides: ElementwiseKernel.broadcastStrides(shapes[node.inputs[1]], to: shape), y: y, shape: shape)
        case let .matMul(e):
            let w = shapes[node.inputs[1]]
            return .matMul(x: input(0), w: input(1), y: y, epilogue: epiloguePointers(node, e), rows: count / max(w[1], 1), k: w[0], n: w[1])
        case let .scaleShift(activation):
            let c = shape.last ?? 1
            return .scaleShift(activation, x: input(0), scale: input(1), shift: input(2), y: y, rows: count / max(c, 1), channels: c)
        case let .mean(axes, _):
            let x = shapes[node.inputs[0]]
            return .mean(x: input(0), shape: x, reduced: x.indices.map { axes.contains($0) }, y: y)
        case let .concat(axis):
            let inner = shape[(axis + 1)...].reduce(1, *)
            let outer = shape[..<axis].reduce(1, *)
            return .concat(inputs: node.inputs.map { (UnsafePointer(pointers[$0]), shapes[$0][axis]) }, outer: outer, inner: inner, y: y)
        case let .pad(p):
            return .pad(x: input(0), shape: shapes[node.inputs[0]], pads: p, y: y)
        case let .resizeBilinear(h, w):
            return .resize(x: input(0), shape: shapes[node.inputs[0]], outHeight: h, outWidth: w, y: y)
        }
    }

    private func perform(_ step: Step) {
        let threads = options.threads
        switch step {
        case let .conv(g, x, w, y, epilogue, scratch, rows):
            ConvolutionKernel.run(g, input: x, weights: w, output: y, epilogue: epilogue, scratch: scratch, tileRows: rows, threads: threads)
        case let .maxPool(g, x, y):
            PoolingKernel.max(g, input: x, output: y, threads: threads)
        case let .avgPool(g, x, y):
            PoolingKernel.average(g, input: x, output: y, threads: threads)
        case let .affine(x, scale, shift, y, rows, channels):
            ElementwiseKernel.channelAffine(input: x, scale: scale, shift: shift, output: y, rows: rows, channels: channels, threads: threads)
        case let .activation(kind, x, y, count):
            ElementwiseKernel.activation(kind, input: x, output: y, count: count, threads: threads)
        case let .binary(add, a, aStrides, b, bStrides, y, shape):
            ElementwiseKernel.binary(isAdd: add, a: a, aStrides: aStrides, b: b, bStrides: bStrides, output: y, shape: shape, threads: threads)
        case let .matMul(x, w, y, epilogue, rows, k, n):
            let beta = EpilogueKernel.prepare(epilogue, output: y, offset: 0, count: rows * n)
            BLAS.sgemm(m: rows, n: n, k: k, a: x, lda: k, b: w, ldb: n, c: y, ldc: n, beta: beta)
            EpilogueKernel.finish(epilogue, output: y, rows: rows, channels: n, threads: threads)
        case let .scaleShift(activation, x, scale, shift, y, rows, channels):
            ElementwiseKernel.channelAffine(input: x, scale: scale, shift: shift, output: y, rows: rows, channels: channels, threads: threads)
            if activation != .none {
                EpilogueKernel.finish(EpiloguePointers(bias: nil, residual: nil, activation: activation), output: y, rows: rows, channels: channels, threads: threads)
            }
        case let .mean(x, shape, reduced, y):
            ReductionKernel.mean(input: x, shape: shape, reduced: reduced, output: y, threads: threads)
        case let .softmax(x, y, rows, width):
            ReductionKernel.softmax(input: x, output: y, rows: rows, width: width, threads: threads)
        case let .concat(inputs, outer, inner, y):
            DataMovementKernel.concat(inputs: inputs, outer: outer, inner: inner, output: y)
        case let .pad(x, shape, pads, y):
            DataMovementKernel.pad(input: x, shape: shape, pads: pads, output: y)
        case let .resize(x, s, oh, ow, y):
            DataMovementKernel.resizeBilinear(input: x, batch: s[0], inHeight: s[1], inWidth: s[2], channels: s[3],
                                              outHeight: oh, outWidth: ow, output: y, threads: threads)
        }
    }

    private func referenceEpilogue(_ node: Node, _ e: Epilogue, _ y: UnsafeMutablePointer<Float>, count: Int, channels: Int) {
        var next = 2
        let bias = e.bias ? UnsafePointer(pointers[node.inputs[next]]) : nil
        if e.bias { next += 1 }
        let residual = e.residual ? UnsafePointer(pointers[node.inputs[next]]) : nil
        ReferenceKernels.epilogue(y, count: count, channels: channels, bias: bias, residual: residual, activation: e.activation)
    }

    /// One node on the reference kernels.
    private func runReference(_ node: Node) {
        let y = pointers[node.id]
        let ys = shapes[node.id]
        let count = ys.reduce(1, *)
        func x(_ i: Int) -> UnsafePointer<Float> { UnsafePointer(pointers[node.inputs[i]]) }
        func xs(_ i: Int) -> [Int] { shapes[node.inputs[i]] }
        switch node.op {
        case .placeholder, .variable, .constant, .reshape, .squeeze:
            break
        case let .conv2d(a):
            ReferenceKernels.conv2d(x(0), xs(0), x(1), xs(1), a, y, ys)
            referenceEpilogue(node, a.epilogue, y, count: count, channels: ys.last ?? 1)
        case let .maxPool(a):
            ReferenceKernels.pool(max: true, x(0), xs(0), a, y, ys)
        case let .avgPool(a):
            ReferenceKernels.pool(max: false, x(0), xs(0), a, y, ys)
        case .biasAdd:
            ReferenceKernels.biasAdd(x(0), count: count, x(1), channels: ys.last ?? 1, y)
        case let .batchNorm(eps, hasScale, hasOffset):
            var i = 1
            let gamma = hasScale ? x(i) : nil
            if hasScale { i += 1 }
            let beta = hasOffset ? x(i) : nil
            if hasOffset { i += 1 }
            ReferenceKernels.batchNorm(x(0), count: count, channels: ys.last ?? 1, gamma: gamma, beta: beta, mean: x(i), variance: x(i + 1), epsilon: eps, y)
        case .relu, .relu6, .sigmoid, .tanh:
            ReferenceKernels.unary(node.op, x(0), count: count, y)
        case .softmax:
            let width = ys.last ?? 1
            ReferenceKernels.softmax(x(0), rows: count / max(width, 1), width: width, y)
        case .add, .mul:
            ReferenceKernels.binary(add: node.op == .add, x(0), xs(0), x(1), xs(1), y, ys)
        case let .matMul(e):
            let w = xs(1)
            ReferenceKernels.matMul(x(0), rows: count / max(w[1], 1), k: w[0], x(1), n: w[1], y)
            referenceEpilogue(node, e, y, count: count, channels: w[1])
        case let .scaleShift(activation):
            ReferenceKernels.scaleShift(x(0), count: count, channels: ys.last ?? 1, scale: x(1), shift: x(2), activation: activation, y)
        case let .mean(axes, _):
            ReferenceKernels.mean(x(0), xs(0), axes: axes, y)
        case let .concat(axis):
            ReferenceKernels.concat(node.inputs.indices.map { (x($0), xs($0)) }, axis: axis, y, ys)
        case let .pad(p):
            ReferenceKernels.pad(x(0), xs(0), pads: p, y, ys)
        case .resizeBilinear:
            ReferenceKernels.resizeBilinear(x(0), xs(0), y, ys)
        }
    }
}
