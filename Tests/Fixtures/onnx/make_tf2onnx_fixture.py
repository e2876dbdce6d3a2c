#!/usr/bin/env python3
"""Writes Tests/Fixtures/onnx/keras_tf2onnx.onnx: a Keras network in the shape of seed 001's
(conv + batch norm + ReLU stem, a residual block with a strided 1x1 shortcut, max pooling,
global average pooling, softmax), seeded weights, converted by tf2onnx (NHWC input, the
converter's own transposes inside), with its input and ONNX Runtime's output (checked
against Keras's).

    python Tests/Fixtures/onnx/make_tf2onnx_fixture.py Tests/Fixtures/onnx/keras_tf2onnx.onnx

in an environment with tensorflow 2.21, tf_keras 2.21, tf2onnx and onnxruntime.
"""
import os, sys
os.environ["TF_USE_LEGACY_KERAS"] = "1"
import numpy as np
import tensorflow as tf
import tf_keras as keras
import tf2onnx, onnxruntime as ort  # tf2onnx 1.17, onnxruntime 1.32
rng = np.random.default_rng(0)
# Seed 001's Keras basic block network in miniature: conv-bn-relu stem, a residual block with a
# strided 1x1 shortcut, global pooling, dense.
inp = keras.Input((32, 32, 3), name="image")
x = keras.layers.Conv2D(16, 3, padding="same", use_bias=False)(inp)
x = keras.layers.BatchNormalization()(x)
x = keras.layers.ReLU()(x)
y = keras.layers.Conv2D(32, 3, strides=2, padding="same")(x)
y = keras.layers.BatchNormalization()(y)
y = keras.layers.Activation("relu")(y)
y = keras.layers.Conv2D(32, 3, padding="same")(y)
y = keras.layers.BatchNormalization()(y)
s = keras.layers.Conv2D(32, 1, strides=2)(x)
x = keras.layers.ReLU()(keras.layers.Add()([y, s]))
x = keras.layers.MaxPooling2D(2)(x)
x = keras.layers.GlobalAveragePooling2D()(x)
out = keras.layers.Dense(10, activation="softmax")(x)
model = keras.Model(inp, out)
for layer in model.layers:
    w = layer.get_weights()
    if w:
        layer.set_weights([rng.standard_normal(v.shape).astype(np.float32) * (0.15 if v.ndim > 1 else 0.1) + (1.0 if (layer.__class__.__name__ == 'BatchNormalization' and i in (0, 3)) else 0.0) for i, v in enumerate(w)])
spec = (tf.TensorSpec((None, 32, 32, 3), tf.float32, name="image"),)
model_proto, _ = tf2onnx.convert.from_keras(model, input_signature=spec, opset=17, output_path=sys.argv[1])
x = rng.standard_normal((2, 32, 32, 3)).astype(np.float32)
np.save(sys.argv[1].replace(".onnx", ".input.npy"), x)
s = ort.InferenceSession(sys.argv[1])
ref = s.run(None, {s.get_inputs()[0].name: x})[0]
np.save(sys.argv[1].replace(".onnx", ".output.npy"), ref)
keras_out = model.predict(x, verbose=0)
assert np.abs(ref - keras_out).max() <= 1e-5 * np.abs(keras_out).max()
print("ORT vs Keras", np.abs(ref - keras_out).max(), "max|output|", np.abs(ref).max(), ref.shape)
import onnx, collections
print(collections.Counter(n.op_type for n in onnx.load(sys.argv[1]).graph.node))
