import GraphcIR
import Testing

/// Inputs that once crashed or went wrong (found by review and fuzzing): each is now a
/// diagnostic or the right answer.
@Suite struct RobustnessTests {
    @Test func overflowingShapesAreErrors() {
        let x = "x = placeholder(float32, [1, 4, 4, 3])\n"
        #expect(firstError(x + "y = pad(x, [[0, 0], [2 ** 62, 2 ** 62], [0, 0], [0, 0]])\n")?.message == "dimension is too large")
        #expect(firstError(x + "y = conv2d(x, 4, 3, rate=2 ** 62, padding='VALID')\n")?.message == "dimension is too large")
        #expect(firstError(x + "y = conv2d(x, 2 ** 40, 1)\n")?.message.hasSuffix("is too large (more than 17179869184 elements)") == true)
        #expect(firstError("x = placeholder(float32, [2 ** 32, 2 ** 32])\n")?.message
            == "placeholder of shape (4294967296, 4294967296) is too large (more than 17179869184 elements)")
        #expect(firstError(x + "y = resize_bilinear(x, [2 ** 32, 2 ** 32])\n")?.message.hasSuffix("is too large (more than 17179869184 elements)") == true)
    }

    @Test func degenerateOpsAreErrors() {
        #expect(firstError("x = placeholder(float32, [1, 0, 0, 3])\ny = resize_bilinear(x, [4, 4])\n")?.message
            == "cannot resize an empty image (1, 0, 0, 3)")
        #expect(firstError("x = placeholder(float32, [1, 8, 8, 3])\ny = max_pool2d(x, 2, 2, padding=3)\n")?.message
            == "pooling padding [[3, 3], [3, 3]] must be at most half the 2x2 window (as PyTorch requires), or a window would cover only padding")
        #expect(firstError("x = placeholder(float32, [2, 3])\ny = reduce_mean(x, [1], keepdims=1)\n")?.message
            == "'keepdims' of reduce_mean must be True or False, got int")
    }

    @Test func languageEdgeCasesAreErrorsOrPythonsAnswers() throws {
        #expect(try evaluate("a = [1]\na.append(a)\nprint(a, a == a)\nprint('[%5.2s]' % 'abcdef', 1 + True, True * 2.5)\n").printed
            == ["[1, [...]] True", "[   ab] 2 2.5"])
        #expect(try evaluate("m = 9223372036854775807\nprint([1, 2, 3][1::m], list(range(1, m, m)), len(range(0, 2 ** 62, 2 ** 61)))\n").printed
            == ["[2] [1] 2"])
        #expect(firstError("x = '%d' % 1e300\n")?.message == "cannot format 1e+300 as an integer")
        #expect(firstError("x = '%5.3000000000000000000f' % 1.0\n")?.message == "format width and precision must be at most 1000")
        #expect(firstError("x = 'ab' * 2 ** 62\n")?.message == "string is too long")
    }

    @Test func squeezeKeepsAnUnknownBatchAtEveryBatch() throws {
        let source = "x = placeholder(float32, [None, 1, 1, 10], name='x')\nprint(squeeze(x).shape)\n"
        // The axes are fixed when the graph is built, so a run at batch 1 still gives (1, 10).
        #expect(try evaluate(source).printed == ["(?, 10)"])
        let g = try evaluate(source).graph
        #expect(g.nodes.last?.op == .squeeze(axes: [1, 2]))
        // A batch given at build time is a known 1, squeezed as TF squeezes a static 1.
        #expect(try evaluate(source, batch: 1).printed == ["(10,)"])
    }

    @Test func repeatedPlaceholderNamesAreFedByTheirUniqueNames() throws {
        let source = "a = placeholder(float32, [None, 4], name='input')\nb = placeholder(float32, [None, 4], name='input')\nprint(a.name, b.name, a.shape, b.shape)\n"
        #expect(try evaluate(source, inputs: [("input_1", [3, 4])]).printed == ["input:0 input_1:0 (?, 4) (3, 4)"])
    }

    @Test func numberOperandsAreNamedAsInTF1() throws {
        let r = try evaluate("x = placeholder(float32, [2, 3])\ny = x * 0.5\nz = relu(y, name='Const')\nprint(y.name, z.name)\n")
        #expect(r.printed == ["mul:0 Const:0"])
        #expect(r.node("mul/y")?.op == .constant([0.5]))
    }

    @Test func resizeImagesToTheSameSizeIsTheInput() throws {
        let r = try evaluate("x = placeholder(float32, [1, 8, 8, 3])\nprint(resize_images(x, [8, 8]).name)\n")
        #expect(r.printed == ["Placeholder:0"])
    }
}

/// The second review's findings, each now an error or the right answer.
@Suite struct SecondReviewTests {
    let m = "9223372036854775807"

    @Test func hugeStridesAndWindowsAreErrors() {
        let x = "x = placeholder(float32, [1, 4, 4, 3])\n"
        #expect(firstError(x + "y = conv2d(x, 3, 3, \(m))\n")?.message == "dimension is too large")
        #expect(firstError(x + "y = max_pool2d(x, 2, \(m), padding='SAME')\n")?.message == "dimension is too large")
        #expect(firstError(x + "y = max_pool2d(x, 2, \(m), ceil_mode=True)\n")?.message == "dimension is too large")
    }

    @Test func longPostfixChainsAreErrors() {
        #expect(firstError("x = len" + String(repeating: "()", count: 300) + "\n")?.message
            == "expression nests too deeply (more than 100 calls, subscripts or attributes in a row)")
    }

    @Test func integersStayExact() throws {
        let r = try evaluate("""
        print(len(list(range(2 ** 53, 2 ** 53 + 3))), len(range(\(m) - 5, \(m))), list(range(\(m) - 2, \(m))))
        print('%d' % (10 ** 18 + 1), '%d' % (-\(m) - 1))
        print({1: 2} == {1: 2}, {1: 2} == {1: 3}, {(1, 'a'): 5}[(1, 'a')], {True: 'x'}[1])
        """)
        #expect(r.printed == [
            "3 5 [9223372036854775805, 9223372036854775806]",
            "1000000000000000001 -9223372036854775808",
            "True False 5 x",
        ])
    }

    @Test func overflowsAndGrowthAreErrors() {
        #expect(firstError("x = list(enumerate([1, 2], \(m)))\n")?.message == "integer overflow")
        #expect(firstError("x = 0 ** -1\n")?.message == "division by zero (0 to a negative power)")
        #expect(firstError("x = abs(-\(m) - 1)\n")?.message == "integer overflow")
        #expect(firstError("x = [1] * 10000000\nx = x + x\n")?.message == "a list or string of 20,000,000 elements is too long (the limit is 10,000,000)")
        #expect(firstError("s = 'ab' * 4000000\ns = s + s\n")?.message == "a list or string of 16,000,000 elements is too long (the limit is 10,000,000)")
        #expect(firstError("x = [1] * 10000000\nx.extend([1])\n")?.message == "a list or string of 10,000,001 elements is too long (the limit is 10,000,000)")
        #expect(firstError("x = 1 & 2\n")?.message == "'&' is not supported: bitwise operators are not part of the graph language")
        #expect(firstError("x = 1 << 2\n")?.message == "'<<' is not supported: bitwise operators are not part of the graph language")
    }
}
