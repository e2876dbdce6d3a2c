import Foundation
import GraphcIR
import Testing

/// The networks of today's model zoos written in Graphs/: slim's own VGG-16 and MobileNet v1
/// (what their TF graphs name and count), a MobileNetV2 and a U-Net in PyTorch's module names.
/// Tests/Fixtures/onnx/make_onnx_fixtures.py --zoo runs the last two against PyTorch.
@Suite struct ModelGraphTests {
    func totals(_ graph: Graph) -> (parameters: Int, multiplyAdds: Int) {
        let rows = Statistics.rows(graph)
        return (rows.reduce(0) { $0 + $1.parameters }, rows.reduce(0) { $0 + $1.multiplyAdds })
    }

    @Test func vgg16IsSlimsWithItsParameterCount() throws {
        let result = try evaluate(path: graphPath("vgg_16.graph"), batch: 1)
        #expect(result.printed == [
            "Tensor(\"vgg_16/conv1/conv1_2/Relu:0\", shape=(1, 224, 224, 64), dtype=float32)",
            "Tensor(\"vgg_16/pool2/MaxPool:0\", shape=(1, 56, 56, 128), dtype=float32)",
            "Tensor(\"vgg_16/conv3/conv3_3/Relu:0\", shape=(1, 56, 56, 256), dtype=float32)",
            "Tensor(\"vgg_16/pool5/MaxPool:0\", shape=(1, 7, 7, 512), dtype=float32)",
            "Tensor(\"vgg_16/fc7/Relu:0\", shape=(1, 1, 1, 4096), dtype=float32)",
            "Tensor(\"vgg_16/fc8/squeezed:0\", shape=(1, 1000), dtype=float32)",
        ])
        // VGG-16 has 138,357,544 parameters; slim.repeat names them conv1/conv1_1 ...
        #expect(totals(result.graph).parameters == 138_357_544)
        #expect(result.graph.variables.map(\.name).prefix(4) == ["vgg_16/conv1/conv1_1/weights", "vgg_16/conv1/conv1_1/biases",
                                                                 "vgg_16/conv1/conv1_2/weights", "vgg_16/conv1/conv1_2/biases"])
    }

    @Test func mobilenetV1HasSlimsNamesAndCosts() throws {
        let result = try evaluate(path: graphPath("mobilenet_v1.graph"))
        // The names a frozen mobilenet_v1_1.0_224 graph has: ops inside the re-entered scope.
        #expect(result.printed.first == "Tensor(\"MobilenetV1/MobilenetV1/Conv2d_0/Relu6:0\", shape=(?, 112, 112, 32), dtype=float32)")
        #expect(result.printed.suffix(2) == ["Tensor(\"MobilenetV1/Logits/SpatialSqueeze:0\", shape=(?, 1001), dtype=float32)",
                                              "Tensor(\"MobilenetV1/Predictions/Reshape_1:0\", shape=(?, 1001), dtype=float32)"])
        // Its checkpoint's variable names, and the paper's 569 M multiply-adds.
        let names = Set(result.graph.variables.map(\.name))
        #expect(names.contains("MobilenetV1/Conv2d_1_depthwise/depthwise_weights"))
        #expect(names.contains("MobilenetV1/Conv2d_13_pointwise/BatchNorm/moving_variance"))
        #expect(names.contains("MobilenetV1/Logits/Conv2d_1c_1x1/biases"))
        #expect(totals(result.graph).multiplyAdds == 568_741_376)
        let half = try evaluate(path: graphPath("mobilenet_v1.graph"), definitions: [("depth_multiplier", "0.5"), ("size", "160")])
        #expect(half.printed[5] == "Tensor(\"MobilenetV1/MobilenetV1/Conv2d_13_pointwise/Relu6:0\", shape=(?, 5, 5, 512), dtype=float32)")
    }

    @Test func mobilenetV2HasTorchvisionsCounts() throws {
        let result = try evaluate(path: graphPath("mobilenet_v2.graph"), batch: 1)
        #expect(result.printed.last == "Tensor(\"classifier/1/BiasAdd:0\", shape=(1, 1000), dtype=float32)")
        #expect(result.printed[1] == "Tensor(\"features/3/add:0\", shape=(1, 56, 56, 24), dtype=float32)")
        // torchvision's mobilenet_v2: 3,504,872 trainable parameters, plus 2 x 17,056 batch-norm statistics.
        #expect(totals(result.graph).parameters == 3_504_872 + 34_112)
        #expect(result.graph.variables.contains { $0.name == "features/2/conv/1/0/weights" && $0.shape == TensorShape([3, 3, 1, 96]) })
    }

    @Test func unetKeepsTheImageSizeAndConcatenatesSkips() throws {
        let result = try evaluate(path: graphPath("unet.graph"), definitions: [("height", "96"), ("width", "64")])
        #expect(result.printed == [
            "Tensor(\"bottom/Relu_1:0\", shape=(?, 24, 16, 64), dtype=float32)",
            "Tensor(\"dec2/Relu_1:0\", shape=(?, 48, 32, 32), dtype=float32)",
            "Tensor(\"add:0\", shape=(?, 96, 64, 16), dtype=float32)",
            "Tensor(\"Sigmoid:0\", shape=(?, 96, 64, 2), dtype=float32)",
        ])
        #expect(result.node("up2/conv2d_transpose")?.op.typeName == "Conv2DBackpropInput")
    }
}
