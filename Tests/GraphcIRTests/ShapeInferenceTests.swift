import GraphcIR
import Testing

/// Shape rules against sizes worked out by hand from TF's and PyTorch's formulas.
@Suite struct ShapeInferenceTests {
    func conv(_ input: [Int?], _ weights: [Int?], stride: Int = 1, padding: Padding, dilation: Int = 1) throws(ShapeError) -> TensorShape {
        try ShapeInference.infer(.conv2d(Conv2DAttributes(strideH: stride, strideW: stride, padding: padding, dilationH: dilation, dilationW: dilation)),
                                 inputs: [TensorShape(input), TensorShape(weights)])
    }

    @Test func convolutionOutputSizes() throws {
        // SAME: ceil(in / stride). VALID: floor((in - k) / stride) + 1. Explicit: floor((in + pads - k) / stride) + 1.
        #expect(try conv([1, 224, 224, 3], [7, 7, 3, 64], stride: 2, padding: .same) == TensorShape([1, 112, 112, 64]))
        #expect(try conv([1, 225, 225, 3], [7, 7, 3, 64], stride: 2, padding: .same) == TensorShape([1, 113, 113, 64]))
        #expect(try conv([1, 96, 96, 3], [7, 7, 3, 64], stride: 2, padding: .valid) == TensorShape([1, 45, 45, 64]))
        #expect(try conv([nil, 6, 6, 256], [3, 3, 256, 512], stride: 2, padding: .explicit(top: 1, bottom: 1, left: 1, right: 1))
                == TensorShape([nil, 3, 3, 512]))
        #expect(try conv([1, 10, 10, 1], [3, 3, 1, 1], padding: .valid, dilation: 2) == TensorShape([1, 6, 6, 1]))
    }

    @Test func sameSplitsPaddingLikeTensorFlow() throws {
        // 224 / 2 -> 112 outputs need (112 - 1) * 2 + 7 - 224 = 5 rows of padding: 2 above, 3 below.
        let pads = try ShapeInference.explicitPads(.same, inputH: 224, inputW: 224, windowH: 7, windowW: 7, strideH: 2, strideW: 2)
        #expect(pads == (2, 3, 2, 3))
        // 56 / 2 with a 3x3 window: (28 - 1) * 2 + 3 - 56 = 1: nothing above, 1 below.
        #expect(try ShapeInference.explicitPads(.same, inputH: 56, inputW: 56, windowH: 3, windowW: 3, strideH: 2, strideW: 2) == (0, 1, 0, 1))
    }

    @Test func poolingWithCeilMode() throws {
        func pool(_ h: Int, _ k: Int, _ s: Int, _ pad: Int, ceil: Bool) throws(ShapeError) -> Int? {
            let p: Padding = pad == 0 ? .valid : .explicit(top: pad, bottom: pad, left: pad, right: pad)
            let a = PoolAttributes(windowH: k, windowW: k, strideH: s, strideW: s, padding: p, ceilMode: ceil)
            return try ShapeInference.infer(.maxPool(a), inputs: [TensorShape([1, h, h, 1])])[1]
        }
        #expect(try pool(112, 3, 2, 1, ceil: false) == 56)
        #expect(try pool(45, 3, 2, 0, ceil: false) == 22)
        // (46 - 3) / 2 = 21.5: floor gives 22 outputs, ceil 23.
        #expect(try pool(46, 3, 2, 0, ceil: false) == 22)
        #expect(try pool(46, 3, 2, 0, ceil: true) == 23)
        // PyTorch drops a last window that would start in the padding: 5 with k=2, s=2, pad=1:
        // ceil((7 - 2) / 2) + 1 = 4, but (4 - 1) * 2 = 6 >= 5 + 1, so 3.
        #expect(try pool(5, 2, 2, 1, ceil: true) == 3)
    }

    @Test func windowLargerThanInputIsAnError() {
        #expect(throws: ShapeError("pooling window of height 3 is larger than its input height 2")) {
            _ = try ShapeInference.infer(.maxPool(PoolAttributes(windowH: 3, windowW: 3, strideH: 2, strideW: 2, padding: .valid)),
                                         inputs: [TensorShape([1, 2, 2, 1])])
        }
        #expect(throws: ShapeError("convolution kernel of height 7 is larger than its padded input height 5")) {
            _ = try conv([1, 3, 9, 3], [7, 7, 3, 4], padding: .explicit(top: 1, bottom: 1, left: 1, right: 1))
        }
    }

    @Test func channelMismatchIsNamed() {
        #expect(throws: ShapeError("channel mismatch: the input (1, 8, 8, 3) has 3 channels but the weights (3, 3, 4, 8) expect 4")) {
            _ = try conv([1, 8, 8, 3], [3, 3, 4, 8], padding: .same)
        }
    }

    @Test func groupedAndDepthwiseConvolutions() throws {
        func infer(_ a: Conv2DAttributes, _ x: [Int?], _ w: [Int?]) throws(ShapeError) -> TensorShape {
            try ShapeInference.infer(.conv2d(a), inputs: [TensorShape(x), TensorShape(w)])
        }
        // PyTorch's Conv2d(8, 12, 3, groups=4): weights [12, 2, 3, 3], here [3, 3, 2, 12].
        let grouped = Conv2DAttributes(strideH: 2, strideW: 2, padding: .same, groups: 4)
        #expect(try infer(grouped, [1, 9, 9, 8], [3, 3, 2, 12]) == TensorShape([1, 5, 5, 12]))
        #expect(throws: ShapeError("channel mismatch: the input (1, 9, 9, 6) has 6 channels but 4 groups of weights (3, 3, 2, 12) expect 8")) {
            _ = try infer(grouped, [1, 9, 9, 6], [3, 3, 2, 12])
        }
        #expect(throws: ShapeError("10 output channels do not split into 4 groups")) { _ = try infer(grouped, [1, 9, 9, 8], [3, 3, 2, 10]) }
        // TF's depthwise [kh, kw, C, multiplier]: C * multiplier outputs; each output reads kh * kw inputs.
        let depthwise = Conv2DAttributes(strideH: 1, strideW: 1, padding: .valid, depthwise: true)
        #expect(try infer(depthwise, [nil, 7, 7, 32], [3, 3, 32, 2]) == TensorShape([nil, 5, 5, 64]))
        #expect(depthwise.multiplyAdds(inputs: [TensorShape([1, 7, 7, 32]), TensorShape([3, 3, 32, 2])], output: TensorShape([1, 5, 5, 64])) == 25 * 64 * 9)
        #expect(grouped.multiplyAdds(inputs: [TensorShape([1, 9, 9, 8]), TensorShape([3, 3, 2, 12])], output: TensorShape([1, 5, 5, 12])) == 25 * 12 * 18)
        #expect(throws: ShapeError("channel mismatch: the input (1, 7, 7, 16) has 16 channels but the depthwise weights (3, 3, 32, 1) expect 32")) {
            _ = try infer(depthwise, [1, 7, 7, 16], [3, 3, 32, 1])
        }
        #expect(depthwise.typeName == "DepthwiseConv2dNative" && grouped.typeName == "Conv2D")
        #expect(grouped.attributes.contains("groups=4"))
    }

    @Test func transposedConvolutionSizesFollowTFAndPyTorch() throws {
        func out(_ input: Int, _ k: Int, _ s: Int, _ padding: Padding, outputPadding: Int = 0) throws(ShapeError) -> Int? {
            let a = Conv2DTransposeAttributes(strideH: s, strideW: s, padding: padding, outputPaddingH: outputPadding, outputPaddingW: outputPadding)
            return try ShapeInference.infer(.conv2dTranspose(a), inputs: [TensorShape([1, input, input, 3]), TensorShape([k, k, 4, 3])])[1]
        }
        // TF: SAME gives in * stride; VALID in * stride + max(k - stride, 0).
        #expect(try out(5, 3, 2, .same) == 10)
        #expect(try out(5, 3, 2, .valid) == 11)
        #expect(try out(5, 1, 2, .valid) == 10)
        // PyTorch: (in - 1) * stride - 2 * padding + k + output_padding.
        #expect(try out(5, 3, 2, .explicit(top: 1, bottom: 1, left: 1, right: 1), outputPadding: 1) == 10)
        #expect(try out(5, 1, 2, .explicit(top: 0, bottom: 0, left: 0, right: 0)) == 9)
        #expect(throws: ShapeError("output padding must be smaller than the stride, got [2, 2] with strides [2, 2]")) {
            _ = try out(5, 3, 2, .explicit(top: 1, bottom: 1, left: 1, right: 1), outputPadding: 2)
        }
    }

    @Test func resizeCoordinatesAndRoundingFollowTheirDefinitions() {
        // 4 -> 8 pixels: asymmetric samples o / 2; half-pixel (o + 0.5) / 2 - 0.5; align_corners o * 3 / 7.
        let asymmetric = ResizeAttributes(height: 8, width: 8)
        #expect((0..<8).map { asymmetric.source($0, input: 4, output: 8, scale: nil) } == [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5])
        let half = ResizeAttributes(height: 8, width: 8, coordinates: .halfPixel)
        #expect(half.source(0, input: 4, output: 8, scale: nil) == -0.25 && half.source(7, input: 4, output: 8, scale: nil) == 3.25)
        let corners = ResizeAttributes(height: 8, width: 8, coordinates: .alignCorners)
        #expect(corners.source(7, input: 4, output: 8, scale: nil) == 3)
        // ONNX's scale, when given, maps instead of in / out: 7 pixels by 1.5 give 10, sampled at o / 1.5.
        #expect(asymmetric.source(3, input: 7, output: 10, scale: 1.5) == 2)
        // Rounding a source of 1.5, and clamping into the image.
        let modes: [ResizeAttributes.Rounding] = [.floor, .ceil, .roundPreferFloor, .roundPreferCeil]
        #expect(modes.map { ResizeAttributes(height: 1, width: 1, method: .nearest, rounding: $0).nearest(1.5, input: 4) } == [1, 2, 1, 2])
        #expect(ResizeAttributes(height: 1, width: 1, method: .nearest, rounding: .ceil).nearest(3.2, input: 4) == 3)
    }

    @Test func broadcasting() throws {
        #expect(try ShapeInference.broadcast(TensorShape([4, 1, 1, 8]), TensorShape([4, 5, 5, 8]), verb: "add") == TensorShape([4, 5, 5, 8]))
        #expect(try ShapeInference.broadcast(TensorShape([]), TensorShape([nil, 3]), verb: "add") == TensorShape([nil, 3]))
        #expect(throws: ShapeError("shape mismatch: cannot add (4, 12, 12, 128) and (4, 23, 23, 64)")) {
            _ = try ShapeInference.broadcast(TensorShape([4, 12, 12, 128]), TensorShape([4, 23, 23, 64]), verb: "add")
        }
    }

    @Test func reshapeSqueezeMeanConcatPad() throws {
        #expect(try ShapeInference.infer(.reshape([-1, 4608]), inputs: [TensorShape([nil, 3, 3, 512])]) == TensorShape([nil, 4608]))
        #expect(try ShapeInference.infer(.reshape([2, -1]), inputs: [TensorShape([2, 3, 4])]) == TensorShape([2, 12]))
        #expect(throws: ShapeError("cannot reshape (2, 3, 4) (24 elements) to (5, -1)")) {
            _ = try ShapeInference.infer(.reshape([5, -1]), inputs: [TensorShape([2, 3, 4])])
        }
        #expect(try ShapeInference.infer(.squeeze(axes: [1, 2]), inputs: [TensorShape([nil, 1, 1, 10])]) == TensorShape([nil, 10]))
        #expect(try ShapeInference.infer(.squeeze(axes: []), inputs: [TensorShape([1, 3])]) == TensorShape([1, 3]))
        #expect(throws: ShapeError("cannot squeeze axis 1 of (4, 3, 1): its size is 3, not 1")) {
            _ = try ShapeInference.infer(.squeeze(axes: [1]), inputs: [TensorShape([4, 3, 1])])
        }
        #expect(try ShapeInference.infer(.mean(axes: [1, 2], keepDims: true), inputs: [TensorShape([2, 7, 7, 8])]) == TensorShape([2, 1, 1, 8]))
        #expect(try ShapeInference.infer(.concat(axis: 3), inputs: [TensorShape([1, 4, 4, 3]), TensorShape([1, 4, 4, 5])]) == TensorShape([1, 4, 4, 8]))
        #expect(try ShapeInference.infer(.pad([[0, 0], [1, 2], [3, 0], [0, 0]]), inputs: [TensorShape([1, 4, 4, 3])]) == TensorShape([1, 7, 7, 3]))
    }
}
