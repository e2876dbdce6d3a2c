import Foundation
import GraphcIR
import Testing

/// The seed networks print what their tutorials print (../shared/seeds/); expected text is
/// copied from the seed documents, NCHW shapes converted to NHWC where the source is PyTorch
/// or Gluon.
@Suite struct SeedNetworkTests {
    @Test func seed000PrintsTheNotebookLinesForABatchOfFour() throws {
        let result = try evaluate(path: graphPath("seed000_slim_resnet.graph"))
        // In [2], In [3] and In [5] of 000_98122ceb59ae2f4f.txt.
        #expect(result.printed == [
            "Tensor(\"test1/Relu_1:0\", shape=(4, 6, 6, 3), dtype=float32)",
            "Tensor(\"test2/Relu_1:0\", shape=(4, 3, 3, 8), dtype=float32)",
            "Tensor(\"resnet/block1/Relu:0\", shape=(4, 48, 48, 64), dtype=float32)",
            "Tensor(\"resnet/b2_res_2/Relu_1:0\", shape=(4, 23, 23, 64), dtype=float32)",
            "Tensor(\"resnet/b3_res_2/Relu_1:0\", shape=(4, 12, 12, 128), dtype=float32)",
            "Tensor(\"resnet/b4_res_2/Relu_1:0\", shape=(4, 6, 6, 256), dtype=float32)",
            "Tensor(\"resnet/b5_res_2/Relu_1:0\", shape=(4, 3, 3, 512), dtype=float32)",
            "(4, 10)",
        ])
    }

    @Test func seed000PlaceholderVersionPrintsAnUnknownBatch() throws {
        let result = try evaluate(path: graphPath("seed000_slim_resnet_mnist.graph"))
        // In [7] of 000_98122ceb59ae2f4f.txt.
        #expect(result.printed == [
            "Tensor(\"resnet/block1/Relu:0\", shape=(?, 48, 48, 64), dtype=float32)",
            "Tensor(\"resnet/b2_res_2/Relu_1:0\", shape=(?, 23, 23, 64), dtype=float32)",
            "Tensor(\"resnet/b3_res_2/Relu_1:0\", shape=(?, 12, 12, 128), dtype=float32)",
            "Tensor(\"resnet/b4_res_2/Relu_1:0\", shape=(?, 6, 6, 256), dtype=float32)",
            "Tensor(\"resnet/b5_res_2/Relu_1:0\", shape=(?, 3, 3, 512), dtype=float32)",
        ])
        #expect(result.node("resize/ResizeBilinear")?.shape == TensorShape([nil, 96, 96, 1]))
    }

    @Test func seed000BatchFlagFillsTheUnknownBatch() throws {
        let result = try evaluate(path: graphPath("seed000_slim_resnet_mnist.graph"), batch: 64)
        #expect(result.printed.first == "Tensor(\"resnet/block1/Relu:0\", shape=(64, 48, 48, 64), dtype=float32)")
        #expect(result.graph[result.graph.outputs[0]].shape == TensorShape([64, 10]))
    }

    @Test func seed000HasSlimCheckpointVariableNames() throws {
        let result = try evaluate(path: graphPath("seed000_slim_resnet.graph"))
        let expected: [(String, [Int?])] = [
            ("resnet/block1/weights", [7, 7, 3, 64]),
            ("resnet/block1/biases", [64]),
            ("resnet/b2_res_1/conv1_1/weights", [3, 3, 64, 64]),
            ("resnet/b2_res_1/conv1_1/biases", [64]),
            ("resnet/b2_res_1/BatchNorm/beta", [64]),
            ("resnet/b2_res_1/BatchNorm/moving_mean", [64]),
            ("resnet/b2_res_1/BatchNorm_1/moving_mean", [64]),
            ("resnet/b2_res_1/BatchNorm_1/moving_variance", [64]),
            ("resnet/b3_res_1/conv2_1/weights", [1, 1, 64, 128]),
            ("resnet/fc/weights", [512, 10]),
            ("resnet/fc/biases", [10]),
            ("test2/conv2_1/biases", [8]),
        ]
        for (name, shape) in expected {
            #expect(result.variable(name)?.shape == TensorShape(shape), "\(name)")
        }
        // slim's batch_norm has scale=False by default: no gamma.
        #expect(result.variable("resnet/b2_res_1/BatchNorm/gamma") == nil)
        #expect(result.graph.variables.filter { $0.name.hasSuffix("BatchNorm_2/beta") }.isEmpty)
    }

    @Test func seed001KerasBlocksHaveCifarShapes() throws {
        let result = try evaluate(path: graphPath("seed001_keras_resnet18.graph"))
        #expect(result.printed == [
            "stem (?, 30, 30, 64)", "layer1 (?, 30, 30, 64)", "layer2 (?, 15, 15, 128)",
            "layer3 (?, 8, 8, 256)", "layer4 (?, 4, 4, 512)", "fc1 (?, 10)",
        ])
        #expect(result.variable("layer2/0/downsample/0/weights")?.shape == TensorShape([1, 1, 64, 128]))
        #expect(result.variable("layer2/0/conv1/biases")?.shape == TensorShape([128]))
        #expect(result.variable("layer2/0/bn1/gamma")?.shape == TensorShape([128]))
        let bn = try #require(result.node("layer2/0/bn1/FusedBatchNormV3"))
        #expect(bn.op == .batchNorm(epsilon: 0.001, hasScale: true, hasOffset: true))
        #expect(result.node("fc1/Softmax") != nil)
    }

    @Test func seed002GluonLayersMatchTheNotebookInNHWC() throws {
        let result = try evaluate(path: graphPath("seed002_gluon_resnet.graph"))
        // In [12] of 002_302a26a707600ce5.txt, NCHW.
        let notebook: [[Int]] = [[1, 32, 112, 112], [1, 32, 112, 112], [1, 32, 112, 112], [1, 32, 56, 56],
                                 [1, 32, 56, 56], [1, 64, 28, 28], [1, 128, 14, 14], [1, 128, 1, 1], [1, 10]]
        let shapes = result.printed.map { String($0.split(separator: "\t").last!).trimmingCharacters(in: .whitespaces) }
        #expect(shapes == notebook.map(nhwc))
        // Gluon: conv biases, BN eps 1e-5 with gamma, pre-activation BN on the block input.
        #expect(result.variable("4/0/conv1/biases") != nil)
        #expect(result.variable("5/0/bn1/gamma")?.shape == TensorShape([32]))
        #expect(result.variable("5/0/conv3/weights")?.shape == TensorShape([1, 1, 32, 64]))
        #expect(result.node("5/0/bn1/FusedBatchNormV3")?.op == .batchNorm(epsilon: 1e-5, hasScale: true, hasOffset: true))
    }

    @Test func seed003PyTorchBlocksMatchTheNotebookInNHWC() throws {
        let result = try evaluate(path: graphPath("seed003_pytorch_resnet.graph"))
        // In [4], [5] and [7] of 003_1d03e5d363d942ab.txt, NCHW.
        let notebook: [(String, [Int])] = [
            ("input:", [1, 32, 96, 96]), ("output:", [1, 32, 96, 96]), ("input:", [1, 32, 96, 96]), ("output:", [1, 32, 48, 48]),
            ("block1 output:", [1, 64, 45, 45]), ("block2 output:", [1, 64, 22, 22]), ("block3 output:", [1, 128, 11, 11]),
            ("block4 output:", [1, 256, 6, 6]), ("block5 output:", [1, 512, 1, 1]), ("output:", [1, 10]),
        ]
        #expect(result.printed == notebook.map { $0.0 + nhwc($0.1) })
        // bias=False on the 3x3 convs, bias on the 1x1 shortcut and on block1.
        #expect(result.variable("block3/0/conv1/biases") == nil)
        #expect(result.variable("block3/0/conv3/biases")?.shape == TensorShape([128]))
        #expect(result.variable("block1/biases")?.shape == TensorShape([64]))
        #expect(result.variable("classifier/weights")?.shape == TensorShape([512, 10]))
        // No relu after block1.
        let block1 = try #require(result.graph.nodes.first { $0.name == "block1/BiasAdd" })
        let consumers = result.graph.consumers()[block1.id].map { result.graph[$0].op }
        #expect(consumers == [.maxPool(PoolAttributes(windowH: 3, windowW: 3, strideH: 2, strideW: 2, padding: .valid))])
    }

    @Test func seed004ResNetV2FiftyEndsIn7x7x2048() throws {
        let result = try evaluate(path: graphPath("seed004_resnet_v2.graph"))
        #expect(result.printed == [
            "Tensor(\"resnet_v2_50/block1/unit_3/bottleneck_v2/add:0\", shape=(?, 28, 28, 256), dtype=float32)",
            "Tensor(\"resnet_v2_50/block2/unit_4/bottleneck_v2/add:0\", shape=(?, 14, 14, 512), dtype=float32)",
            "Tensor(\"resnet_v2_50/block3/unit_6/bottleneck_v2/add:0\", shape=(?, 7, 7, 1024), dtype=float32)",
            "Tensor(\"resnet_v2_50/block4/unit_3/bottleneck_v2/add:0\", shape=(?, 7, 7, 2048), dtype=float32)",
            "Tensor(\"resnet_v2_50/logits/BiasAdd:0\", shape=(?, 1, 1, 1000), dtype=float32)",
            "Tensor(\"resnet_v2_50/predictions/Reshape_1:0\", shape=(?, 1, 1, 1000), dtype=float32)",
        ])
        let expected: [(String, [Int?])] = [
            ("resnet_v2_50/conv1/weights", [7, 7, 3, 64]),
            ("resnet_v2_50/conv1/biases", [64]),
            ("resnet_v2_50/block1/unit_1/bottleneck_v2/preact/gamma", [64]),
            ("resnet_v2_50/block1/unit_1/bottleneck_v2/shortcut/weights", [1, 1, 64, 256]),
            ("resnet_v2_50/block1/unit_1/bottleneck_v2/shortcut/biases", [256]),
            ("resnet_v2_50/block1/unit_1/bottleneck_v2/conv1/weights", [1, 1, 64, 64]),
            ("resnet_v2_50/block1/unit_1/bottleneck_v2/conv1/BatchNorm/moving_variance", [64]),
            ("resnet_v2_50/block1/unit_3/bottleneck_v2/conv2/weights", [3, 3, 64, 64]),
            ("resnet_v2_50/block4/unit_3/bottleneck_v2/conv3/biases", [2048]),
            ("resnet_v2_50/postnorm/beta", [2048]),
            ("resnet_v2_50/logits/weights", [1, 1, 2048, 1000]),
        ]
        for (name, shape) in expected {
            #expect(result.variable(name)?.shape == TensorShape(shape), "\(name)")
        }
        // The bottleneck's conv1 is normalized, so it has no biases.
        #expect(result.variable("resnet_v2_50/block1/unit_1/bottleneck_v2/conv1/biases") == nil)
        #expect(result.node("resnet_v2_50/pool5")?.shape == TensorShape([nil, 1, 1, 2048]))
        // The stride-2 unit pads explicitly and convolves VALID (conv2d_same).
        #expect(result.node("resnet_v2_50/block1/unit_3/bottleneck_v2/Pad")?.op == .pad([[0, 0], [1, 1], [1, 1], [0, 0]]))
    }

    @Test(arguments: [(101, 23), (152, 36), (200, 36)])
    func seed004DeeperNetworksHaveTheirUnitCounts(depth: Int, block3Units: Int) throws {
        let result = try evaluate(path: graphPath("seed004_resnet_v2.graph"), definitions: [("depth", "\(depth)"), ("num_classes", "1001")])
        let scope = "resnet_v2_\(depth)/block3/unit_\(block3Units)/bottleneck_v2/conv3/weights"
        #expect(result.variable(scope) != nil)
        #expect(result.variable("resnet_v2_\(depth)/block3/unit_\(block3Units + 1)/bottleneck_v2/conv3/weights") == nil)
        #expect(result.printed[3].contains("shape=(?, 7, 7, 2048)"))
        #expect(result.printed[4].contains("shape=(?, 1, 1, 1001)"))
    }

    @Test func resnet18HasTorchvisionShapesAndCounts() throws {
        let result = try evaluate(path: graphPath("resnet18.graph"), batch: 1)
        #expect(result.node("maxpool/MaxPool")?.shape == TensorShape([1, 56, 56, 64]))
        #expect(result.node("layer4/1/Relu_1")?.shape == TensorShape([1, 7, 7, 512]))
        #expect(result.graph[result.graph.outputs[0]].shape == TensorShape([1, 1000]))
        let rows = Statistics.rows(result.graph)
        // torchvision's resnet18: 11,689,512 trainable parameters and 1.814 G multiply-adds;
        // the table also counts the 9,600 moving means and variances, as Keras does.
        #expect(rows.reduce(0) { $0 + $1.parameters } == 11_689_512 + 9_600)
        #expect(rows.reduce(0) { $0 + $1.multiplyAdds } == 1_814_073_344)
    }

    @Test func everyBundledGraphCompilesAndVerifies() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent("Graphs").path)
            .filter { $0.hasSuffix(".graph") }.sorted()
        #expect(files.count >= 8)
        for file in files {
            let result = try evaluate(path: graphPath(file))
            try Verifier.verify(result.graph)
            #expect(result.warnings.isEmpty, "\(file): \(result.warnings.map { $0.rendered() })")
        }
    }
}
