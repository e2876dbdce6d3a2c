import GraphcIR
import GraphcTestSupport
import Testing
@testable import GraphcRuntime

/// Every fast kernel against the nested-loop reference kernels, on seeded random shapes that
/// cover strides 1 and 2, SAME / VALID / explicit padding, odd sizes, 1x1 and 7x7 windows,
/// batch > 1 and channel counts that are not multiples of 8. Tolerance: 1e-4 relative to the
/// largest reference value (float32 GEMM against a float64-accumulated loop).
@Suite struct KernelTests {
    /// Builds a one-op graph with `make`, runs it with seeded weights and inputs on the fast and
    /// the reference kernels, and returns the largest error relative to the reference's scale.
    func compare(threads: Int = 2, values: [String: [Float]] = [:], _ make: (GraphBuilder) throws -> NodeID) throws -> Float {
        let b = GraphBuilder()
        b.markOutput(try make(b))
        let graph = b.graph
        let weights = WeightStore.initialize(graph, seed: 7)
        for (name, v) in values { weights.add(name, v) }
        var feeds: [String: HostTensor] = [:]
        for p in graph.placeholders { feeds[p.name] = Tensors.uniform(p.shape.dims.map { $0! }, seed: 3, name: p.name) }
        // Unoptimized, so each op reaches its own kernel.
        let fast = try execute(graph, weights: weights, feeds: feeds, optimize: false, threads: threads)[0]
        let slow = try execute(graph, weights: weights, feeds: feeds, optimize: false, reference: true, threads: 1)[0]
        #expect(fast.shape == slow.shape)
        let scale = max(slow.data.map(abs).max() ?? 0, 1e-6)
        return zip(fast.data, slow.data).map { abs($0 - $1) }.max().map { $0 / scale } ?? 0
    }

    static let convCases: [(input: [Int], kernel: Int, cout: Int, stride: Int, padding: Padding, dilation: Int)] = [
        ([1, 7, 7, 3], 3, 5, 1, .same, 1),
        ([2, 9, 8, 6], 3, 10, 2, .same, 1),
        ([2, 10, 10, 4], 3, 9, 2, .same, 1),
        ([1, 11, 9, 3], 7, 12, 2, .same, 1),
        ([2, 20, 21, 3], 7, 16, 2, .valid, 1),
        ([1, 13, 13, 5], 7, 8, 2, .explicit(top: 3, bottom: 3, left: 3, right: 3), 1),
        ([3, 6, 6, 9], 1, 7, 1, .valid, 1),
        ([2, 9, 9, 12], 1, 17, 2, .same, 1),
        ([1, 8, 8, 4], 3, 4, 1, .explicit(top: 0, bottom: 2, left: 1, right: 1), 1),
        ([1, 12, 12, 3], 3, 5, 1, .same, 2),
        ([2, 5, 5, 33], 3, 65, 1, .explicit(top: 1, bottom: 1, left: 1, right: 1), 1),
    ]

    @Test(arguments: convCases.indices)
    func convolutionMatchesReference(_ i: Int) throws {
        let c = Self.convCases[i]
        let error = try compare { b in
            let x = try b.placeholder(name: "x", shape: TensorShape(c.input.map { $0 }))
            return try b.conv2d(x, numOutputs: c.cout, kernel: (c.kernel, c.kernel), stride: (c.stride, c.stride), padding: c.padding,
                                rate: (c.dilation, c.dilation), biases: false)
        }
        #expect(error <= 1e-4, "case \(c): relative error \(error)")
    }

    /// A 1x1 convolution with a prologue (FusePrologue's resnet_v2 pre-activation), tall (rows
    /// split across threads, each transforming its own) and wide (the rows transformed first,
    /// the product split by columns), with and without the ReLU, and a bias after.
    @Test(arguments: [([2, 9, 9, 12], 8), ([1, 3, 3, 20], 48), ([1, 14, 14, 32], 64)], [Activation.relu, nil])
    func convolutionPrologueMatchesReference(_ shape: ([Int], Int), _ activation: Activation?) throws {
        let (input, cout) = shape
        // Scales of both signs and shifts that push about half the inputs (uniform in [0, 1))
        // below zero, so the ReLU and both parameters matter.
        let cin = input[3]
        let scales: [Float] = (0..<cin).map { i in Float(i % 5) * 0.5 - 1 }
        let shifts: [Float] = (0..<cin).map { i in Float(i % 3) * 0.25 - 0.25 }
        let values = ["c/scale": scales, "c/shift": shifts]
        let error = try compare(values: values) { b in
            let x = try b.placeholder(name: "x", shape: TensorShape(input.map { $0 }))
            let w = try b.variable("c/weights", shape: [1, 1, cin, cout])
            let scale = try b.variable("c/scale", shape: [cin]), shift = try b.variable("c/shift", shape: [cin])
            let bias = try b.variable("c/biases", shape: [cout])
            var a = Conv2DAttributes(strideH: 1, strideW: 1, padding: .same, epilogue: Epilogue(bias: true))
            a.prologue = Conv2DAttributes.Prologue(activation: activation)
            return try b.add(.conv2d(a), [x, w, scale, shift, bias], name: "c/Conv2D")
        }
        #expect(error <= 1e-4, "\(input) -> \(cout), \(String(describing: activation)): relative error \(error)")
    }

    @Test func tiledIm2colMatchesReference() throws {
        // A wide 1-channel input makes the unfolded matrix larger than any activation, so the
        // convolution is computed in row tiles.
        let error = try compare { b in
            let x = try b.placeholder(name: "x", shape: TensorShape([1, 9, 31, 1]))
            return try b.conv2d(x, numOutputs: 2, kernel: (7, 7), padding: .same, biases: false)
        }
        #expect(error <= 1e-4)
    }

    static let poolCases: [(input: [Int], window: Int, stride: Int, padding: Padding, ceil: Bool, includePad: Bool)] = [
        ([1, 9, 9, 3], 3, 2, .valid, false, true),
        ([2, 10, 10, 5], 3, 2, .same, false, true),
        ([2, 11, 10, 9], 3, 2, .same, false, true),
        ([1, 112, 112, 4], 3, 2, .explicit(top: 1, bottom: 1, left: 1, right: 1), false, true),
        ([1, 8, 8, 3], 3, 2, .explicit(top: 1, bottom: 1, left: 1, right: 1), true, true),
        ([1, 8, 8, 3], 3, 2, .explicit(top: 1, bottom: 1, left: 1, right: 1), true, false),
        ([2, 46, 45, 2], 3, 2, .valid, true, true),
        ([1, 5, 5, 7], 1, 2, .same, false, true),
        ([1, 3, 3, 10], 3, 3, .valid, false, true),
    ]

    @Test(arguments: poolCases.indices)
    func poolingMatchesReference(_ i: Int) throws {
        let c = Self.poolCases[i]
        for isMax in [true, false] {
            let error = try compare { b in
                let x = try b.placeholder(name: "x", shape: TensorShape(c.input.map { $0 }))
                let a = PoolAttributes(windowH: c.window, windowW: c.window, strideH: c.stride, strideW: c.stride, padding: c.padding,
                                       ceilMode: c.ceil, countIncludePad: c.includePad)
                return try b.pool(x, max: isMax, attributes: a)
            }
            #expect(error <= 1e-5, "case \(c) max=\(isMax): relative error \(error)")
        }
    }

    @Test func maxPoolingPropagatesNaNAsTensorFlowDoes() throws {
        // 12 channels: one vector of 8 and a scalar tail of 4. A NaN at pixel (1, 1) in channels
        // 2 and 10 reaches every 2x2 window that covers it, and only those channels.
        let b = GraphBuilder()
        let x = try b.placeholder(name: "x", shape: TensorShape([1, 4, 4, 12]))
        b.markOutput(try b.pool(x, max: true, attributes: PoolAttributes(windowH: 2, windowW: 2, strideH: 1, strideW: 1, padding: .valid)))
        var input = Tensors.uniform([1, 4, 4, 12], seed: 9, name: "x")
        for ch in [2, 10] { input.data[(1 * 4 + 1) * 12 + ch] = .nan }
        let y = try execute(b.graph, weights: WeightStore(source: "none"), feeds: ["x": input], optimize: false)[0]
        #expect(y.shape == [1, 3, 3, 12])
        for oy in 0..<3 { for ox in 0..<3 { for ch in 0..<12 {
            let value = y.data[(oy * 3 + ox) * 12 + ch]
            let coversNaN = oy <= 1 && ox <= 1 && (ch == 2 || ch == 10)
            #expect(value.isNaN == coversNaN, "(\(oy), \(ox), \(ch))")
            if !coversNaN {
                // The largest of the window's four values.
                let window = [(oy, ox), (oy, ox + 1), (oy + 1, ox), (oy + 1, ox + 1)].map { input.data[($0.0 * 4 + $0.1) * 12 + ch] }
                #expect(value == window.max()!)
            }
        } } }
    }

    @Test func batchNormBiasAndActivationsMatchReference() throws {
        for (scale, center) in [(true, true), (false, true), (true, false)] {
            let error = try compare { b in
                let x = try b.placeholder(name: "x", shape: TensorShape([2, 5, 3, 11]))
                return try b.batchNorm(x, center: center, scale: scale, epsilon: 1e-3)
            }
            #expect(error <= 1e-5)
        }
        for op in [Op.relu, .relu6, .sigmoid, .tanh, .softmax] {
            let error = try compare { b in
                let x = try b.placeholder(name: "x", shape: TensorShape([3, 4, 4, 13]))
                let y = try b.add(.mul, [x, b.constant([8], shape: [])], name: "scale")
                return try b.add(op, [y], name: "op")
            }
            #expect(error <= 1e-5, "\(op)")
        }
        let error = try compare { b in
            let x = try b.placeholder(name: "x", shape: TensorShape([2, 3, 3, 7]))
            return try b.withVariableScope("s") { try b.add(.biasAdd, [x, try b.variable("biases", shape: [7])], name: "BiasAdd") }
        }
        #expect(error <= 1e-6)
    }

    @Test func broadcastingBinaryOpsMatchReference() throws {
        let shapes: [([Int?], [Int?])] = [([2, 4, 4, 6], [2, 4, 4, 6]), ([2, 4, 4, 6], [6]), ([2, 4, 4, 6], [2, 1, 1, 6]), ([3, 1, 5], [1, 4, 1]), ([2, 3], [])]
        for (a, c) in shapes {
            for op in [Op.add, .mul, .binary(.sub), .binary(.div), .binary(.max), .binary(.min)] {
                let error = try compare { b in
                    let x = try b.placeholder(name: "a", shape: TensorShape(a))
                    let y = try b.placeholder(name: "b", shape: TensorShape(c))
                    return try b.add(op, [x, y], name: "op")
                }
                #expect(error <= 1e-6, "\(a) \(op) \(c)")
            }
        }
    }

    @Test func fullyConnectedMeanConcatPadResizeMatchReference() throws {
        var errors: [Float] = []
        errors.append(try compare { b in
            let x = try b.placeholder(name: "x", shape: TensorShape([3, 37]))
            return try b.fullyConnected(x, numOutputs: 11, biases: false)
        })
        errors.append(try compare { b in
            let x = try b.placeholder(name: "x", shape: TensorShape([2, 1, 1, 19]))
            return try b.fullyConnected(x, numOutputs: 5, biases: false)
        })
        errors.append(try compare { b in
            let x = try b.placeholder(name: "x", shape: TensorShape([2, 7, 5, 9]))
            return try b.add(.mean(axes: [1, 2], keepDims: true), [x], name: "Mean")
        })
        errors.append(try compare { b in
            let x = try b.placeholder(name: "x", shape: TensorShape([2, 7, 5, 9]))
            return try b.add(.mean(axes: [0, 3], keepDims: false), [x], name: "Mean")
        })
        errors.append(try compare { b in
            let x = try b.placeholder(name: "x", shape: TensorShape([2, 3, 3, 4]))
            let y = try b.placeholder(name: "y", shape: TensorShape([2, 3, 3, 5]))
            return try b.add(.concat(axis: 3), [x, y, x], name: "concat")
        })
        errors.append(try compare { b in
            let x = try b.placeholder(name: "x", shape: TensorShape([2, 3, 3, 4]))
            return try b.add(.concat(axis: 1), [x, x], name: "concat")
        })
        errors.append(try compare { b in
            let x = try b.placeholder(name: "x", shape: TensorShape([2, 5, 4, 3]))
            return try b.add(.pad([[0, 0], [1, 2], [3, 0], [0, 1]]), [x], name: "Pad")
        })
        for (h, w) in [(9, 13), (3, 2), (28, 28)] {
            errors.append(try compare { b in
                let x = try b.placeholder(name: "x", shape: TensorShape([2, 7, 5, 3]))
                return try b.add(.resize(ResizeAttributes(height: h, width: w)), [x], name: "ResizeBilinear")
            })
        }
        for (i, e) in errors.enumerated() { #expect(e <= 1e-5, "case \(i): relative error \(e)") }
    }

    @Test func singleThreadedKernelsAgreeWithMultiThreaded() throws {
        let error = try compare(threads: 1) { b in
            let x = try b.placeholder(name: "x", shape: TensorShape([2, 15, 15, 6]))
            let y = try b.conv2d(x, numOutputs: 8, kernel: (3, 3), stride: (2, 2), biases: true)
            return try b.pool(y, max: false, attributes: PoolAttributes(windowH: 3, windowW: 3, strideH: 2, strideW: 2, padding: .same))
        }
        #expect(error <= 1e-4)
    }
}

/// The reference kernels on cases small enough to work out by hand.
@Suite struct ReferenceKernelTests {
    @Test func sameAveragePoolingCountsOnlyRealInputsAsTFDoes() {
        // 2x2 input [1 2; 3 4], 3x3 window, stride 1, SAME: the top-left output averages the
        // four real values (TF excludes the padding): 2.5.
        let x: [Float] = [1, 2, 3, 4]
        var y = [Float](repeating: 0, count: 4)
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                ReferenceKernels.pool(max: false, xp.baseAddress!, [1, 2, 2, 1],
                                      PoolAttributes(windowH: 3, windowW: 3, strideH: 1, strideW: 1, padding: .same), yp.baseAddress!, [1, 2, 2, 1])
            }
        }
        #expect(y == [2.5, 2.5, 2.5, 2.5])
    }

    @Test func explicitAveragePoolingCountsPaddingAsPyTorchDoes() {
        // Same input, padding 1 with count_include_pad: each output sums 4 values over 9 places.
        let x: [Float] = [1, 2, 3, 4]
        var y = [Float](repeating: 0, count: 4)
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                ReferenceKernels.pool(max: false, xp.baseAddress!, [1, 2, 2, 1],
                                      PoolAttributes(windowH: 3, windowW: 3, strideH: 1, strideW: 1, padding: .explicit(top: 1, bottom: 1, left: 1, right: 1)),
                                      yp.baseAddress!, [1, 2, 2, 1])
            }
        }
        let expected = Float(10) / 9
        #expect(y.allSatisfy { abs($0 - expected) < 1e-6 })
    }

    @Test func sameConvolutionPadsBottomRightOnStrideTwo() {
        // 4x4 ones, 2x2 kernel of ones, stride 2, SAME: out 2x2, total pad 0 -> each output sums 4.
        // 3x3 ones, 2x2 kernel, stride 2, SAME: out 2x2, total pad 1 at the bottom/right, so the
        // outputs see 4, 2, 2, 1 real inputs.
        let x = [Float](repeating: 1, count: 9), w = [Float](repeating: 1, count: 4)
        var y = [Float](repeating: 0, count: 4)
        x.withUnsafeBufferPointer { xp in w.withUnsafeBufferPointer { wp in y.withUnsafeMutableBufferPointer { yp in
            ReferenceKernels.conv2d(xp.baseAddress!, [1, 3, 3, 1], wp.baseAddress!, [2, 2, 1, 1],
                                    Conv2DAttributes(strideH: 2, strideW: 2, padding: .same), yp.baseAddress!, [1, 2, 2, 1])
        } } }
        #expect(y == [4, 2, 2, 1])
    }

    @Test func bilinearResizeFollowsTF1() {
        // [0, 10] resized to width 4: sources 0, 0.5, 1, 1.5 -> 0, 5, 10, 10 (clamped).
        let x: [Float] = [0, 10]
        var y = [Float](repeating: 0, count: 4)
        x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { yp in
            ReferenceKernels.resize(xp.baseAddress!, [1, 1, 2, 1], ResizeAttributes(height: 1, width: 4), yp.baseAddress!, [1, 1, 4, 1])
        } }
        #expect(y == [0, 5, 10, 10])
    }
}
