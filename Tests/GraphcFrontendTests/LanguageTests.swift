import Foundation
import GraphcIR
import Testing

/// The Python-flavoured language: each test runs a small graph file and checks what it
/// printed against values worked out by hand.
@Suite struct LanguageTests {
    @Test func functionsTakePositionalKeywordAndDefaultArguments() throws {
        let r = try evaluate("""
        def f(a, b=2, *rest, c=10, **kw):
            return a + b + c + len(rest) + len(kw)
        print(f(1), f(1, 3), f(1, c=0), f(1, 2, 3, 4, x=1, y=2))
        g = lambda x, y=1: x * y
        print(g(3), g(3, y=4))
        """)
        #expect(r.printed == ["13 14 3 17", "3 12"])
    }

    @Test func controlFlowRunsLikePython() throws {
        let r = try evaluate("""
        out = []
        for i in range(6):
            if i == 1:
                continue
            elif i % 2 == 0 and not i == 4:
                out.append(i * 10)
            else:
                out.append(i)
            if i >= 5:
                break
        n = 0
        while n < 3:
            n += 1
        print(out, n)
        print([x * x for x in range(5) if x % 2 == 1], 'yes' if n == 3 else 'no')
        """)
        #expect(r.printed == ["[0, 20, 3, 4, 5] 3", "[1, 9] yes"])
    }

    @Test func valuesBehaveLikePythonValues() throws {
        let r = try evaluate("""
        blocks = [(256, 64, 1)] * 2 + [(256, 64, 2)]
        print(blocks, len(blocks), blocks[-1][2], blocks[1:])
        a, (b, c) = 1, (2.5, 'x')
        print(a, b, c, 7 // 2, -7 // 2, 7 % -3, 2 ** 10, 1e-5, 3 / 2, True, None)
        d = {'epsilon': 1e-5, 'scale': True}
        d['decay'] = 0.997
        print(d, d.get('missing', 0), 'scale' in d, sorted(d.keys()))
        print('unit_%d' % 3, '%s/%s' % ('a', 'b'), '{}-{x}'.format(1, x=2), 'a' + 'b' * 2, 'abc'[::-1])
        print(min(3, 1, 2), max([4, 9, 2]), sum([1, 2, 3]), abs(-4), int('12'), str(3), list(range(3)), tuple([1]))
        print([i for i, _ in enumerate('ab')], list(zip([1, 2], 'xy')))
        """)
        #expect(r.printed == [
            "[(256, 64, 1), (256, 64, 1), (256, 64, 2)] 3 2 [(256, 64, 1), (256, 64, 2)]",
            "1 2.5 x 3 -4 -2 1024 1e-05 1.5 True None",
            "{'epsilon': 1e-05, 'scale': True, 'decay': 0.997} 0 True ['decay', 'epsilon', 'scale']",
            "unit_3 a/b 1-2 abb cba",
            "1 9 6 4 12 3 [0, 1, 2] (1,)",
            "[0, 1] [(1, 'x'), (2, 'y')]",
        ])
    }

    @Test func raiseStopsWithTheExceptionsMessageAndRoundIsPythons() throws {
        #expect(errorText("def f(d):\n    if d <= 0:\n        raise ValueError('depth_multiplier is not greater than zero.')\nf(0)\n")?
            .hasPrefix("test.graph:3:9: error: ValueError: depth_multiplier is not greater than zero.\n") == true)
        let r = try evaluate("print(round(2.5), round(3.5), round(-0.5), round(2.675, 2), round(7))\n")
        #expect(r.printed == ["2 4 0 2.67 7"])
    }

    @Test func slimRepeatAndStackNameTheirLayersAsTFSlimDoes() throws {
        let r = try evaluate("""
        x = placeholder(float32, [1, 8, 8, 3])
        with variable_scope('net'):
            y = slim.repeat(x, 2, conv2d, 4, [3, 3], scope='conv1')
            z = slim.stack(y, conv2d, [(5, [1, 1]), (6, [3, 3])], scope='conv2')
            w = slim.stack(flatten(z), fully_connected, [7, 8])
        print(y, z, w)
        """)
        #expect(r.graph.variables.map(\.name).filter { $0.hasSuffix("weights") } == [
            "net/conv1/conv1_1/weights", "net/conv1/conv1_2/weights", "net/conv2/conv2_1/weights", "net/conv2/conv2_2/weights",
            "net/Stack/fully_connected_1/weights", "net/Stack/fully_connected_2/weights",
        ])
        #expect(r.graph.variables.first { $0.name == "net/conv2/conv2_2/weights" }?.shape == TensorShape([3, 3, 5, 6]))
    }

    /// What TF 2.21 with tf_slim 1.1 printed for the same code (graph mode).
    @Test func tfNamingQuirksMatchTF() throws {
        let r = try evaluate("""
        x = placeholder(float32, [None, 8, 8, 3], name='x')
        r = tf.nn.relu(x)
        with variable_scope('blk'):
            r2 = tf.nn.relu(x)
            a = slim.conv2d(r2, 4, [3, 3], scope='Relu')
            b = slim.conv2d(a, 4, [3, 3], scope='BiasAdd', activation_fn=None)
        f = slim.fully_connected(slim.flatten(b), 5, scope='Relu')
        print(a)
        print(b)
        print(f)
        print(tf.squeeze(placeholder(float32, [None, 1, 10])))
        print(tf.squeeze(placeholder(float32, [4, 1, 10])))
        """)
        #expect(r.printed == [
            "Tensor(\"blk/Relu_1/Relu_1:0\", shape=(?, 8, 8, 4), dtype=float32)",
            "Tensor(\"blk/BiasAdd/BiasAdd_1:0\", shape=(?, 8, 8, 4), dtype=float32)",
            "Tensor(\"Relu_1/Relu_1:0\", shape=(?, 5), dtype=float32)",
            "Tensor(\"Squeeze:0\", dtype=float32)",
            "Tensor(\"Squeeze_1:0\", shape=(4, 10), dtype=float32)",
        ])
    }

    /// The names TF 2.21 with tf_slim 1.1 gives these layers' outputs and variables.
    @Test func modernSlimLayersHaveTFsNames() throws {
        let r = try evaluate("""
        x = placeholder(float32, [None, 8, 8, 16], name='x')
        a = slim.separable_conv2d(x, None, [3, 3], scope='dw')
        b = slim.separable_conv2d(a, 32, [3, 3], depth_multiplier=2, scope='sep')
        c = slim.layer_norm(b)
        d = slim.group_norm(c, groups=4)
        e = slim.instance_norm(d)
        f = slim.conv2d_transpose(e, 8, [2, 2], stride=2)
        for t in [a, b, c, d, e, f]:
            print(t)
        """)
        #expect(r.printed == [
            "Tensor(\"dw/Relu:0\", shape=(?, 8, 8, 16), dtype=float32)",
            "Tensor(\"sep/Relu:0\", shape=(?, 8, 8, 32), dtype=float32)",
            "Tensor(\"LayerNorm/batchnorm/add_1:0\", shape=(?, 8, 8, 32), dtype=float32)",
            "Tensor(\"GroupNorm/Reshape_2:0\", shape=(?, 8, 8, 32), dtype=float32)",
            "Tensor(\"InstanceNorm/instancenorm/add_1:0\", shape=(?, 8, 8, 32), dtype=float32)",
            "Tensor(\"Conv2d_transpose/Relu:0\", shape=(?, 16, 16, 8), dtype=float32)",
        ])
        #expect(r.graph.variables.map(\.name).sorted() == [
            "Conv2d_transpose/biases", "Conv2d_transpose/weights", "GroupNorm/beta", "GroupNorm/gamma", "InstanceNorm/beta", "InstanceNorm/gamma",
            "LayerNorm/beta", "LayerNorm/gamma", "dw/biases", "dw/depthwise_weights", "sep/biases", "sep/depthwise_weights", "sep/pointwise_weights",
        ])
    }

    @Test func reenteringAVariableScopeObjectOpensANewNameScope() throws {
        let r = try evaluate("""
        x = placeholder(float32, [1, 8, 8, 3])
        with variable_scope('Net') as sc:
            with variable_scope(sc):
                y = conv2d(x, 4, 3, scope='Conv2d_0')
        print(y)
        """)
        #expect(r.printed == ["Tensor(\"Net/Net/Conv2d_0/Relu:0\", shape=(1, 8, 8, 4), dtype=float32)"])
        #expect(r.graph.variables.map(\.name) == ["Net/Conv2d_0/weights", "Net/Conv2d_0/biases"])
    }

    @Test func namedTuplesAndFunctionsAreValues() throws {
        let r = try evaluate("""
        import collections
        Block = collections.namedtuple('Block', ['scope', 'unit_fn', 'args'])
        def twice(x):
            return 2 * x
        b = Block('block1', twice, [1, 2])
        scope, fn, args = b
        print(b.scope, fn(21), b.unit_fn(b.args[1]), b)
        """)
        #expect(r.printed == ["block1 42 4 Block(scope='block1', unit_fn=<function twice>, args=[1, 2])"])
    }

    @Test func tensorsPrintAsTF1PrintsThem() throws {
        let r = try evaluate("""
        x = placeholder(float32, [None, 8, 8, 3], name='input')
        y = conv2d(x, 4, 3, scope='c')
        print(x)
        print(y)
        print(y.shape, y.name, y.shape[1], y.shape[0], y.get_shape().as_list())
        z = fully_connected(flatten(y), 10, activation_fn=None)
        print(z.shape, reduce_mean(y, [1, 2]).shape)
        """)
        #expect(r.printed == [
            "Tensor(\"input:0\", shape=(?, 8, 8, 3), dtype=float32)",
            "Tensor(\"c/Relu:0\", shape=(?, 8, 8, 4), dtype=float32)",
            "(?, 8, 8, 4) c/Relu:0 8 None [None, 8, 8, 4]",
            "(?, 10) (?, 4)",
        ])
    }

    @Test func opsGetUniqueTF1Names() throws {
        let r = try evaluate("""
        x = placeholder(float32, [1, 4, 4, 2])
        a = relu(x)
        b = relu(a)
        with variable_scope('s'):
            c = relu(b) + x
            d = batch_norm(c)
            e = batch_norm(d)
        with variable_scope('s'):
            f = relu(e)
        g = conv2d(f, 2, 1)
        h = conv2d(g, 2, 1)
        print(a.name, b.name, c.name, d.name, e.name, f.name, g.name, h.name)
        """)
        #expect(r.printed == ["Relu:0 Relu_1:0 s/add:0 s/BatchNorm/FusedBatchNormV3:0 s/BatchNorm_1/FusedBatchNormV3:0 s_1/Relu:0 Conv/Relu:0 Conv_1/Relu:0"])
        #expect(r.variable("s/BatchNorm_1/moving_mean") != nil)
        #expect(r.variable("Conv_1/weights")?.shape == TensorShape([1, 1, 2, 2]))
    }

    @Test func argScopeGivesDefaultsThatNestAndYieldToExplicitArguments() throws {
        let r = try evaluate("""
        x = placeholder(float32, [1, 9, 9, 3])
        with arg_scope([conv2d, max_pool2d], padding='VALID'):
            with arg_scope([conv2d], activation_fn=None, stride=2):
                a = conv2d(x, 4, 3, scope='a')
                b = conv2d(x, 4, 3, padding='SAME', scope='b')
                c = conv2d(x, 4, 3, 1, scope='c')
            d = conv2d(x, 4, 3, scope='d')
            p = max_pool2d(x, 3)
        e = conv2d(x, 4, 3, scope='e')
        print(a.name, a.shape, b.shape, c.shape, d.name, d.shape, p.shape, e.shape)
        """)
        #expect(r.printed == ["a/BiasAdd:0 (1, 4, 4, 4) (1, 5, 5, 4) (1, 7, 7, 4) d/Relu:0 (1, 7, 7, 4) (1, 4, 4, 3) (1, 9, 9, 4)"])
    }

    @Test func savedArgScopesAndAddArgScopeFunctionsWorkAsInSlim() throws {
        let r = try evaluate("""
        def my_scope():
            with arg_scope([batch_norm], scale=True, epsilon=1e-5) as sc:
                return sc
        @add_arg_scope
        def unit(x, depth, tag='none'):
            print('tag', tag)
            return conv2d(x, depth, 1, normalizer_fn=batch_norm)
        x = placeholder(float32, [1, 4, 4, 2])
        with arg_scope(my_scope()):
            with arg_scope([unit], tag='scoped'):
                y = unit(x, 3)
                z = unit(y, 3, tag='explicit')
        """)
        #expect(r.printed == ["tag scoped", "tag explicit"])
        let bn = try #require(r.node("Conv/BatchNorm/FusedBatchNormV3"))
        // TF's fused batch norm (slim's default for NHWC) raises epsilon to 1.001e-5.
        #expect(bn.op == .batchNorm(epsilon: 1.001e-5, hasScale: true, hasOffset: true))
        #expect(r.variable("Conv/biases") == nil)
    }

    @Test func importsTakeDefinitionsFromAnotherFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("graphc-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try """
        WIDTH = 6
        def block(x, scope=None):
            return conv2d(x, WIDTH, 3, scope=scope)
        if __name__ == '__main__':
            print('not when imported')
        """.write(to: dir.appendingPathComponent("lib.graph"), atomically: true, encoding: .utf8)
        let main = dir.appendingPathComponent("main.graph")
        try """
        import lib
        from lib import block as b, WIDTH
        x = placeholder(float32, [1, 5, 5, 1])
        print(b(x).shape, lib.block(x, scope='again').shape, WIDTH, __name__)
        """.write(to: main, atomically: true, encoding: .utf8)
        let r = try evaluate(path: main.path)
        #expect(r.printed == ["(1, 5, 5, 6) (1, 5, 5, 6) 6 __main__"])
    }

    @Test func flagsReadCommandLineDefinitions() throws {
        let source = """
        depth = flag('depth', 50)
        rate = flag('rate', 0.5)
        name = flag('name', 'net')
        sizes = flag('sizes', [1, 2])
        print(depth, rate, name, sizes)
        """
        #expect(try evaluate(source).printed == ["50 0.5 net [1, 2]"])
        let r = try evaluate(source, definitions: [("depth", "152"), ("rate", "1"), ("name", "wide"), ("sizes", "[3]")])
        #expect(r.printed == ["152 1.0 wide [3]"])
    }

    @Test func inputAndBatchOptionsShapePlaceholders() throws {
        let source = "x = placeholder(float32, [None, 32, 32, 3], name='input')\nprint(x.shape)"
        #expect(try evaluate(source).printed == ["(?, 32, 32, 3)"])
        #expect(try evaluate(source, batch: 8).printed == ["(8, 32, 32, 3)"])
        #expect(try evaluate(source, inputs: [("input", [2, 64, 64, 3])]).printed == ["(2, 64, 64, 3)"])
    }

    @Test func paddingFollowsTensorFlowAndPyTorch() throws {
        let r = try evaluate("""
        x = placeholder(float32, [1, 224, 224, 3])
        print(conv2d(x, 8, 7, 2).shape, conv2d(x, 8, 7, 2, padding='VALID').shape, conv2d(x, 8, 7, 2, padding=3).shape)
        print(conv2d(x, 8, 3, 1, padding=[[0, 2], [1, 1]]).shape, conv2d(x, 8, 3, rate=2, padding='VALID').shape)
        y = placeholder(float32, [1, 6, 6, 1])
        print(max_pool2d(y, 3, 2).shape, max_pool2d(y, 3, 2, ceil_mode=True).shape, max_pool2d(y, 3, 2, padding=1).shape)
        print(avg_pool2d(y, 3, 2, padding='SAME').shape, max_pool2d(y, 2, 2, padding=1, ceil_mode=True).shape)
        """)
        // SAME: ceil(224 / 2) = 112; VALID: (224 - 7) / 2 + 1 = 109; pad 3: (230 - 7) / 2 + 1 = 112.
        // [[0, 2], [1, 1]]: 226 - 3 + 1 = 224 high, 226 - 3 + 1 = 224 wide; rate 2: 224 - 5 + 1 = 220.
        // Pools on 6: floor(3 / 2) + 1 = 2; ceil: ceil(3 / 2) + 1 = 3; pad 1: (8 - 3) / 2 + 1 = 3;
        // SAME: 3; pad 1 + ceil with window 2: ceil(6 / 2) + 1 = 4, whose last window would start
        // at 6 >= 6 + 1? no, so 4.
        #expect(r.printed == [
            "(1, 112, 112, 8) (1, 109, 109, 8) (1, 112, 112, 8)",
            "(1, 224, 224, 8) (1, 220, 220, 8)",
            "(1, 2, 2, 1) (1, 3, 3, 1) (1, 3, 3, 1)",
            "(1, 3, 3, 1) (1, 4, 4, 1)",
        ])
    }

    @Test func moreOpsHaveTheirShapes() throws {
        let r = try evaluate("""
        x = placeholder(float32, [2, 4, 4, 3])
        y = placeholder(float32, [2, 4, 4, 5])
        print(concat([x, y], 3).shape, concat([x, x], axis=0).shape, pad(x, [[0, 0], [1, 2], [0, 0], [0, 0]]).shape)
        print(squeeze(reduce_mean(x, [1, 2], keep_dims=True)).shape, squeeze(reduce_mean(x, [1, 2], keep_dims=True), [1]).shape)
        print(reshape(x, [2, -1]).shape, (x * 0.5).shape, multiply(x, x).shape, resize_bilinear(x, [7, 9]).shape)
        print(softmax(flatten(x)).shape, relu6(x).shape, sigmoid(x).shape, tanh(x).shape, global_avg_pool2d(x).shape)
        """)
        #expect(r.printed == [
            "(2, 4, 4, 8) (4, 4, 4, 3) (2, 7, 4, 3)",
            "(2, 3) (2, 1, 3)",
            "(2, 48) (2, 4, 4, 3) (2, 4, 4, 3) (2, 7, 9, 3)",
            "(2, 48) (2, 4, 4, 3) (2, 4, 4, 3) (2, 4, 4, 3) (2, 3)",
        ])
    }
}
