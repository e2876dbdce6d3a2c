#!/usr/bin/env python3
"""The TF seed networks through tf2onnx, imported by graphc and checked against ONNX Runtime.

  seed000  the TF1 slim ResNet of ../shared/seeds/000 (its Residual and ResNet, verbatim but
           for Python 3's print), on a [None, 96, 96, 3] placeholder, frozen, converted with
           tf2onnx.convert.from_graph_def
  seed001  the Keras ResNet-18 of seed 001 (BasicBlock, ResNet([2, 2, 2, 2])) on 32x32x3,
           converted with tf2onnx.convert.from_keras
  seed004  slim's own resnet_v2_50 (tf_slim.nets.resnet_v2, what seed 004 calls), 224x224x3,
           1001 classes, frozen, converted with from_graph_def

Every variable gets a seeded random value (batch-norm variances positive) so no layer is
trivial. Each model is written to $GRAPHC_SEED_ZOO (default /tmp/graphc-seed-zoo; the models
are 45-100 MB, so not committed), run by TensorFlow, ONNX Runtime and `graphc run MODEL.onnx`
on the same input, and the errors printed (the bar is 1e-4 of the largest output).

Run in an environment with tensorflow 2.21, tf_keras 2.21 (pip --no-deps), tf_slim 1.1.0,
tf2onnx and onnxruntime, after `swift build -c release`:
    python Tests/Fixtures/onnx/check_seeds_tf2onnx.py
"""
import os
import subprocess
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np
import tensorflow as tf

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
GRAPHC = os.path.join(REPO, ".build", "release", "graphc")
FOLDER = os.environ.get("GRAPHC_SEED_ZOO") or "/tmp/graphc-seed-zoo"
tf1 = tf.compat.v1


def import_slim():
    import tf_keras  # noqa: F401  tf_slim's batch_norm needs tf_keras's legacy layers under this name
    sys.modules["tf_keras.legacy_tf_layers"] = __import__("tf_keras.src.legacy_tf_layers", fromlist=["x"])
    import tf_slim
    return tf_slim


def randomize_session(sess, seed):
    rng = np.random.default_rng(seed)
    for v in tf1.global_variables():
        shape = v.shape.as_list()
        name = v.name
        if "moving_variance" in name:
            value = rng.uniform(0.5, 1.5, shape)
        elif "gamma" in name:
            value = rng.uniform(0.5, 1.5, shape)
        elif "moving_mean" in name or "beta" in name or "biases" in name:
            value = rng.normal(0, 0.1, shape)
        else:
            fan_in = int(np.prod(shape[:-1])) if len(shape) > 1 else 1
            value = rng.standard_normal(shape) * np.sqrt(2.0 / max(fan_in, 1))
        v.load(value.astype(np.float32), sess)


def frozen(build, seed, input_shape):
    g = tf1.Graph()
    with g.as_default():
        x = tf1.placeholder(tf.float32, input_shape, name="input")
        y = tf.identity(build(x), name="output")
        sess = tf1.Session(graph=g)
        sess.run(tf1.global_variables_initializer())
        randomize_session(sess, seed)
        graph_def = tf1.graph_util.convert_variables_to_constants(sess, g.as_graph_def(), ["output"])
        return graph_def, sess, x, y


def seed000(slim):
    def Residual(input, num_channels, same_shape=True, scope='residual', is_training=False):
        with tf1.variable_scope(scope):
            stride = 1 if same_shape else 2
            conv1_1 = slim.conv2d(input, num_channels, [3, 3], stride, scope='conv1_1', activation_fn=None)
            bn1_1 = slim.batch_norm(conv1_1, is_training=is_training)
            relu1_1 = tf.nn.relu(bn1_1)
            conv1_2 = slim.conv2d(relu1_1, num_channels, [3, 3], stride=1, scope='conv1_2', activation_fn=None)
            bn1_2 = slim.batch_norm(conv1_2, is_training=is_training)
            if not same_shape:
                conv2_1 = slim.conv2d(input, num_channels, [1, 1], stride, scope='conv2_1', activation_fn=None)
            else:
                conv2_1 = input
            return tf.nn.relu(conv2_1 + bn1_2)

    def ResNet(input, num_classes, scope='resnet', is_training=False):
        with tf1.variable_scope(scope):
            b1 = slim.conv2d(input, 64, [7, 7], 2, scope='block1')
            b2_pool = slim.max_pool2d(b1, [3, 3], 2, scope='block2_pool')
            b2_res_1 = Residual(b2_pool, 64, is_training=is_training, scope='b2_res_1')
            b2_res_2 = Residual(b2_res_1, 64, is_training=is_training, scope='b2_res_2')
            b3_res_1 = Residual(b2_res_2, 128, same_shape=False, is_training=is_training, scope='b3_res_1')
            b3_res_2 = Residual(b3_res_1, 128, is_training=is_training, scope='b3_res_2')
            b4_res_1 = Residual(b3_res_2, 256, same_shape=False, is_training=is_training, scope='b4_res_1')
            b4_res_2 = Residual(b4_res_1, 256, is_training=is_training, scope='b4_res_2')
            b5_res_1 = Residual(b4_res_2, 512, same_shape=False, is_training=is_training, scope='b5_res_1')
            b5_res_2 = Residual(b5_res_1, 512, is_training=is_training, scope='b5_res_2')
            b6_pool = slim.avg_pool2d(b5_res_2, [3, 3], scope='b6_avg_pool')
            return tf.squeeze(slim.fully_connected(b6_pool, num_classes, scope='fc', activation_fn=None))

    return frozen(lambda x: ResNet(x, 10), 1, [None, 96, 96, 3]), (4, 96, 96, 3)


def seed004(slim):
    from tf_slim.nets import resnet_v2

    def build(x):
        with slim.arg_scope(resnet_v2.resnet_arg_scope()):
            net, _ = resnet_v2.resnet_v2_50(x, 1001, is_training=False)
        return net

    return frozen(build, 4, [None, 224, 224, 3]), (1, 224, 224, 3)


def seed001():
    import tf_keras as keras
    from tf_keras import layers, Sequential

    class BasicBlock(layers.Layer):
        def __init__(self, filter_num, stride=1):
            super(BasicBlock, self).__init__()
            self.conv1 = layers.Conv2D(filter_num, (3, 3), strides=stride, padding='same')
            self.bn1 = layers.BatchNormalization()
            self.relu = layers.Activation('relu')
            self.conv2 = layers.Conv2D(filter_num, (3, 3), strides=1, padding='same')
            self.bn2 = layers.BatchNormalization()
            if stride != 1:
                self.downsample = Sequential()
                self.downsample.add(layers.Conv2D(filter_num, (1, 1), strides=stride))
            else:
                self.downsample = lambda x: x

        def call(self, inputs, training=None):
            out = self.conv1(inputs)
            out = self.bn1(out, training=training)
            out = self.relu(out)
            out = self.conv2(out)
            out = self.bn2(out, training=training)
            identity = self.downsample(inputs)
            output = layers.add([out, identity])
            return tf.nn.relu(output)

    class ResNet(keras.Model):
        def __init__(self, layer_dims, num_classes=10):
            super(ResNet, self).__init__()
            self.stem = Sequential([layers.Conv2D(64, (3, 3), strides=(1, 1)), layers.BatchNormalization(), layers.Activation('relu'),
                                    layers.MaxPool2D(pool_size=(2, 2), strides=(1, 1), padding='same')])
            self.layer1 = self.build_resblock(64, layer_dims[0])
            self.layer2 = self.build_resblock(128, layer_dims[1], stride=2)
            self.layer3 = self.build_resblock(256, layer_dims[2], stride=2)
            self.layer4 = self.build_resblock(512, layer_dims[3], stride=2)
            self.avgpool = layers.GlobalAveragePooling2D()
            self.fc1 = layers.Dense(num_classes, activation=tf.nn.softmax)

        def call(self, inputs, training=None):
            x = self.stem(inputs, training=training)
            x = self.layer1(x, training=training)
            x = self.layer2(x, training=training)
            x = self.layer3(x, training=training)
            x = self.layer4(x, training=training)
            return self.fc1(self.avgpool(x))

        def build_resblock(self, filter_num, blocks, stride=1):
            res_blocks = Sequential()
            res_blocks.add(BasicBlock(filter_num, stride))
            for _ in range(1, blocks):
                res_blocks.add(BasicBlock(filter_num, stride=1))
            return res_blocks

    model = ResNet([2, 2, 2, 2])
    model.build((None, 32, 32, 3))
    rng = np.random.default_rng(1)
    for w in model.weights:
        shape, name = w.shape.as_list(), w.name
        if "moving_variance" in name or "gamma" in name:
            value = rng.uniform(0.5, 1.5, shape)
        elif "moving_mean" in name or "beta" in name or "bias" in name:
            value = rng.normal(0, 0.1, shape)
        else:
            value = rng.standard_normal(shape) * np.sqrt(2.0 / max(int(np.prod(shape[:-1])), 1)) * (0.3 if "dense" in name else 1)
        w.assign(value.astype(np.float32))
    return model


def main():
    import onnxruntime as ort
    import tf2onnx
    os.makedirs(FOLDER, exist_ok=True)
    worst = 0.0
    print("%-8s %-12s %10s %12s %12s" % ("seed", "output", "max|ref|", "ORT vs TF", "graphc vs ORT"), flush=True)
    results = []
    # Keras first, in eager mode; the TF1 graphs after.
    keras_model = seed001()
    x = np.random.default_rng(11).random((2, 32, 32, 3), dtype=np.float32)
    path = os.path.join(FOLDER, "seed001.onnx")
    tf2onnx.convert.from_keras(keras_model, input_signature=(tf.TensorSpec((None, 32, 32, 3), tf.float32, name="input"),),
                               opset=17, output_path=path)
    results.append(("seed001", path, x, keras_model(x, training=False).numpy()))
    tf1.disable_eager_execution()
    slim = import_slim()
    for name, make in [("seed000", seed000), ("seed004", seed004)]:
        (graph_def, sess, x_ph, y), shape = make(slim)
        x = np.random.default_rng(12).random(shape, dtype=np.float32)
        reference = sess.run(y, {x_ph: x})
        path = os.path.join(FOLDER, name + ".onnx")
        with tf.Graph().as_default():
            tf2onnx.convert.from_graph_def(graph_def, input_names=["input:0"], output_names=["output:0"], opset=17, output_path=path)
        results.append((name, path, x, reference))
    for name, path, x, reference in results:
        session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        feed = session.get_inputs()[0].name
        ort_out = session.run(None, {feed: x})[0]
        xpath, out = os.path.join(FOLDER, name + ".input.npy"), os.path.join(FOLDER, name + ".graphc.npy")
        np.save(xpath, x)
        subprocess.run([GRAPHC, "run", path, "--input", "%s=%s" % (feed, xpath), "--output", out], check=True, capture_output=True)
        got = np.load(out)
        scale = float(np.abs(ort_out).max())
        vs_tf = float(np.abs(ort_out - reference).max()) / scale
        vs_ort = float(np.abs(got.reshape(ort_out.shape) - ort_out).max()) / scale
        worst = max(worst, vs_ort)
        print("%-8s %-12s %10.4g %12.2e %12.2e" % (name, str(ort_out.shape), scale, vs_tf, vs_ort), flush=True)
    print("worst graphc vs ONNX Runtime %.2e (bar 1e-4): %s" % (worst, "ok" if worst <= 1e-4 else "FAILED"), flush=True)
    return 0 if worst <= 1e-4 else 1


if __name__ == "__main__":
    sys.exit(main())
