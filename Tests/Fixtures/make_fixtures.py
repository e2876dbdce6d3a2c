#!/usr/bin/env python3
"""Generate the framework reference data in Tests/Fixtures/data/.

For every fixture graph in Tests/Fixtures/ (slim_residual, slim_bottleneck,
keras_basic_block, torch_residual_block, torch_block1, gluon_preact_block,
small_resnet, torch_flatten_linear, torch_mobile_block, torch_decoder, slim_modern_layers) this script builds the same network in a real framework (TF1
graph mode with tf_slim, Keras, PyTorch), fills it with seeded random weights,
runs it in inference mode on a seeded random input and writes:

  data/NAME.weights.safetensors  float32 weights keyed by graphc's variable
                                 names, in graphc's layouts (conv HWIO
                                 [kh, kw, cin, cout], fully connected
                                 [in, out], biases and batch norm 1-D)
  data/NAME.input.npy            float32 NHWC input (the placeholder's shape)
  data/NAME.output.npy           float32 framework output, NHWC or [N, classes]
  data/small_resnet.torch.safetensors, data/torch_flatten_linear.torch.safetensors
                                 the raw PyTorch state_dict()s, for testing
                                 graphc's weight converter (the second puts a
                                 Linear after a flatten of a 3x3 map)

The Swift tests run graphc's interpreter on NAME.graph with these weights and
input and compare against NAME.output.npy. CI does NOT run this script: the
data files are committed. Re-run it only to regenerate them, from the repo root:

    python3 Tests/Fixtures/make_fixtures.py

It needs network access to PyPI the first time: it creates a virtual
environment outside the repository, at $GRAPHC_FIXTURE_VENV or else
~/.cache/graphc-fixtures-venv, pip-installs the pinned REQUIREMENTS below into
it (PyPI's torch brings several GB of CUDA wheels; they are unused), and
re-executes itself inside it. Everything is seeded, so a re-run writes the same
weights and inputs byte for byte; outputs are the same on the same machine and
may differ in the last float bits on another CPU.

It also self-tests tools/tf_checkpoint_to_safetensors.py: for both slim
fixtures it saves a tf.compat.v1.train.Saver checkpoint (with a global step,
Momentum and ExponentialMovingAverage slots, as training leaves them) into a
temporary directory, converts it and checks that the result equals the weights
file. When .build/release/graphc exists it checks each weights file's names and
shapes, and the input's shape, against `graphc dump` of the fixture graph.

Options: --install-only (set up the venv and stop), --fixture NAME (only that
fixture; may repeat), --venv-as-is (use $GRAPHC_FIXTURE_VENV without installing
REQUIREMENTS: enough for the torch-only fixtures with a CPU-only torch; the
fixture records the torch version it was made with).
"""

import hashlib
import json
import os
import re
import subprocess
import sys
import time

# The versions used to generate the committed data. tf_keras is installed with
# --no-deps (its pins would fight tensorflow's); tf_slim 1.1.0's batch_norm
# under TF 2.21 needs it, see import_tf1_slim().
REQUIREMENTS = [
    "numpy==2.4.6",
    "tensorflow==2.21.0",
    "keras==3.15.1",
    "tf_slim==1.1.0",
    "torch==2.15.0",
    "safetensors==0.8.0",
]
NO_DEPS_REQUIREMENTS = [
    "tf_keras==2.21.0",
]

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(HERE, "data")
GRAPHS = os.path.join(REPO, "Graphs")
GRAPHC = os.path.join(REPO, ".build", "release", "graphc")
TOOL = os.path.join(REPO, "tools", "tf_checkpoint_to_safetensors.py")

# Fixture name -> seed. Each fixture draws its input from default_rng([seed, 0])
# and its weights from default_rng([seed, 1]).
FIXTURES = {
    "slim_residual": 1000,
    "slim_bottleneck": 1001,
    "keras_basic_block": 1002,
    "torch_residual_block": 1003,
    "torch_block1": 1004,
    "gluon_preact_block": 1005,
    "small_resnet": 1006,
    "torch_flatten_linear": 1007,
    "torch_mobile_block": 1008,
    "torch_decoder": 1009,
    "slim_modern_layers": 1010,
}


# ----------------------------------------------------------------------------
# The virtual environment
# ----------------------------------------------------------------------------

def venv_dir():
    return os.path.abspath(os.path.expanduser(
        os.environ.get("GRAPHC_FIXTURE_VENV") or "~/.cache/graphc-fixtures-venv"))


def venv_python():
    return os.path.join(venv_dir(), "bin", "python")


def running_in_venv():
    return os.path.realpath(sys.prefix) == os.path.realpath(venv_dir())


def ensure_venv():
    """Creates the venv and installs REQUIREMENTS unless a stamp says it is done."""
    import venv

    root = venv_dir()
    if os.path.realpath(root).startswith(os.path.realpath(REPO) + os.sep):
        sys.exit("make_fixtures: the venv must live outside the repository, not at %s" % root)
    if not os.path.exists(venv_python()):
        print("make_fixtures: creating the virtual environment %s" % root, flush=True)
        venv.EnvBuilder(with_pip=True, clear=False).create(root)
    stamp = os.path.join(root, "graphc-fixtures-requirements.txt")
    wanted = "\n".join(REQUIREMENTS + ["--no-deps"] + NO_DEPS_REQUIREMENTS) + "\n"
    have = open(stamp).read() if os.path.exists(stamp) else ""
    if have != wanted:
        print("make_fixtures: installing %s" % " ".join(REQUIREMENTS + NO_DEPS_REQUIREMENTS), flush=True)
        pip = [venv_python(), "-m", "pip", "install", "--disable-pip-version-check"]
        subprocess.check_call(pip + REQUIREMENTS)
        subprocess.check_call(pip + ["--no-deps"] + NO_DEPS_REQUIREMENTS)
        with open(stamp, "w") as f:
            f.write(wanted)


# ----------------------------------------------------------------------------
# Shared helpers (run inside the venv)
# ----------------------------------------------------------------------------

def rngs(name):
    import numpy as np
    seed = FIXTURES[name]
    return np.random.default_rng([seed, 0]), np.random.default_rng([seed, 1])


def make_input(rng, shape, kind):
    import numpy as np
    if kind == "uniform":
        x = rng.random(shape, dtype=np.float64)
    else:
        x = rng.standard_normal(shape)
    return np.ascontiguousarray(x.astype(np.float32))


def make_weight(rng, name, shape):
    """A value for the graphc variable `name` of graphc shape `shape`."""
    import numpy as np
    leaf = name.rsplit("/", 1)[-1]
    shape = tuple(int(d) for d in shape)
    if leaf in ("weights", "depthwise_weights", "pointwise_weights"):
        if len(shape) == 4:          # HWIO
            fan_in = shape[0] * shape[1] * shape[2]
        elif len(shape) == 2:        # [in, out]
            fan_in = shape[0]
        else:
            raise ValueError("%s: unexpected weights shape %s" % (name, shape))
        v = rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)
    elif leaf == "biases":
        v = rng.uniform(-0.1, 0.1, shape)
    elif leaf == "gamma":
        v = rng.uniform(0.5, 1.5, shape)
    elif leaf == "beta":
        v = rng.normal(0.0, 0.1, shape)
    elif leaf == "moving_mean":
        v = rng.normal(0.0, 0.1, shape)
    elif leaf == "moving_variance":
        v = rng.uniform(0.5, 1.5, shape)
    else:
        raise ValueError("no rule for variable %s" % name)
    return np.ascontiguousarray(v.astype(np.float32))


def save_safetensors(save_file, tensors, path, metadata):
    """save_file(tensors, path, metadata), then the header's __metadata__ put in
    sorted key order: safetensors keeps it in a hash map, so its order changes
    from run to run and the file would too. The header keeps its length."""
    save_file(tensors, path, metadata=metadata)
    with open(path, "r+b") as f:
        n = int.from_bytes(f.read(8), "little")
        raw = f.read(n)
        header = json.loads(raw)
        header["__metadata__"] = dict(sorted(header["__metadata__"].items()))
        text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode()
        assert len(text) <= n and json.loads(text) == json.loads(raw), path
        f.seek(8)
        f.write(text + b" " * (n - len(text)))


def write_fixture(name, weights, x, y, source):
    import numpy as np
    from safetensors.numpy import save_file
    os.makedirs(DATA, exist_ok=True)
    for k, v in weights.items():
        assert v.dtype == np.float32 and v.flags.c_contiguous, k
    save_safetensors(save_file, weights, os.path.join(DATA, name + ".weights.safetensors"),
                     {"source": source, "fixture": name})
    assert x.dtype == np.float32 and y.dtype == np.float32
    np.save(os.path.join(DATA, name + ".input.npy"), np.ascontiguousarray(x))
    np.save(os.path.join(DATA, name + ".output.npy"), np.ascontiguousarray(y))
    print("  %s: %d weights, input %s, output %s" % (name, len(weights), x.shape, y.shape), flush=True)


# ----------------------------------------------------------------------------
# TF1 / tf_slim (graph mode)
# ----------------------------------------------------------------------------

def import_tf1_slim():
    """tf.compat.v1 in graph mode, and tf_slim. tf_slim 1.1.0's batch_norm imports
    tf_keras.legacy_tf_layers, which tf_keras 2.21 keeps under tf_keras.src."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow.compat.v1 as tf
    tf.disable_eager_execution()
    import tf_keras.src.legacy_tf_layers
    sys.modules.setdefault("tf_keras.legacy_tf_layers", tf_keras.src.legacy_tf_layers)
    import tf_slim as slim
    return tf, slim


def tf1_session(tf):
    config = tf.ConfigProto(intra_op_parallelism_threads=1, inter_op_parallelism_threads=1)
    return tf.Session(config=config)


def tf1_fill_and_run(tf, sess, name, wrng, x_ph, x, out):
    """Assigns every global variable from numpy by its op name; runs `out`."""
    weights = {}
    for var in tf.global_variables():
        vname = var.op.name
        value = make_weight(wrng, vname, var.shape.as_list())
        weights[vname] = value
        feed = tf.placeholder(tf.float32, value.shape)
        sess.run(tf.assign(var, feed), feed_dict={feed: value})
    y = sess.run(out, feed_dict={x_ph: x})
    return weights, y


def tf1_checkpoint_selftest(tf, sess, name, weights, loss, use_cli):
    """Saves what a training run would (the weights, a global step, Momentum and
    ExponentialMovingAverage slots) and checks that the converter gives back
    exactly the fixture's weights."""
    import importlib.util
    import tempfile
    import numpy as np

    model_vars = tf.global_variables()
    global_step = tf.train.get_or_create_global_step()
    tf.train.MomentumOptimizer(0.1, 0.9).minimize(loss, global_step=global_step)
    tf.train.ExponentialMovingAverage(0.999).apply(tf.trainable_variables())
    extra = [v for v in tf.global_variables() if v not in model_vars]
    sess.run(tf.variables_initializer(extra))
    saver = tf.train.Saver()

    spec = importlib.util.spec_from_file_location("tf_checkpoint_to_safetensors", TOOL)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)

    with tempfile.TemporaryDirectory(prefix="graphc-ckpt-") as tmp:
        prefix = saver.save(sess, os.path.join(tmp, "model.ckpt"))
        out_path = os.path.join(tmp, "converted.safetensors")
        if use_cli:
            subprocess.check_call([sys.executable, TOOL, prefix, out_path])
        else:
            tool.write_safetensors(tool.convert(prefix), out_path,
                                   source="tf checkpoint self-test")
        from safetensors.numpy import load_file
        converted = load_file(out_path)
    in_ckpt = len(extra) + len(model_vars)
    assert set(converted) == set(weights), (
        "%s: converted names differ from the weights: %s" % (name, sorted(set(converted) ^ set(weights))))
    for k, v in weights.items():
        assert converted[k].dtype == np.float32 and np.array_equal(converted[k], v), k
    print("  %s: checkpoint of %d variables converted (%s) to the %d weights exactly"
          % (name, in_ckpt, "CLI" if use_cli else "convert()", len(weights)), flush=True)


def fixture_slim_residual():
    name = "slim_residual"
    tf, slim = import_tf1_slim()

    # Seed 000, verbatim.
    def Residual(input, num_channels, same_shape=True, scope='residual', is_training=False):
        with tf.variable_scope(scope):
            # path 1
            stride = 1 if same_shape else 2
            conv1_1 = slim.conv2d(input, num_channels, [3, 3], stride, scope='conv1_1', activation_fn=None)
            bn1_1 = slim.batch_norm(conv1_1, is_training=is_training)
            relu1_1 = tf.nn.relu(bn1_1)
            conv1_2 = slim.conv2d(relu1_1, num_channels, [3, 3], stride=1, scope='conv1_2', activation_fn=None)
            bn1_2 = slim.batch_norm(conv1_2, is_training=is_training)

            # path 2
            if not same_shape:
                conv2_1 = slim.conv2d(input, num_channels, [1, 1], stride, scope='conv2_1', activation_fn=None)
            else:
                conv2_1 = input

            return tf.nn.relu(conv2_1+bn1_2)

    xrng, wrng = rngs(name)
    x = make_input(xrng, (2, 9, 9, 3), "normal")
    x_ph = tf.placeholder(tf.float32, [2, 9, 9, 3], name='x')
    out = Residual(x_ph, 8, same_shape=False, scope='block')
    with tf1_session(tf) as sess:
        weights, y = tf1_fill_and_run(tf, sess, name, wrng, x_ph, x, out)
        write_fixture(name, weights, x, y, "tensorflow %s (tf.compat.v1 graph mode), tf_slim 1.1.0"
                      % tf.__version__)
        tf1_checkpoint_selftest(tf, sess, name, weights, tf.reduce_sum(out), use_cli=True)


def fixture_slim_modern_layers():
    name = "slim_modern_layers"
    tf, slim = import_tf1_slim()
    xrng, wrng = rngs(name)
    x = make_input(xrng, (2, 10, 12, 8), "normal")
    # Tests/Fixtures/slim_modern_layers.graph, line for line.
    x_ph = tf.placeholder(tf.float32, [2, 10, 12, 8], name='x')
    net = slim.separable_conv2d(x_ph, None, [3, 3], scope='dw')
    net = slim.separable_conv2d(net, 16, [3, 3], depth_multiplier=2, stride=2, scope='sep')
    net = slim.group_norm(net, groups=4, scope='gn')
    net = slim.instance_norm(net, activation_fn=tf.nn.relu, scope='in')
    net = slim.conv2d_transpose(net, 8, [3, 3], stride=2, scope='up')
    net = slim.layer_norm(net, begin_norm_axis=-1, scope='ln')
    net = tf.pad(net, [[0, 0], [1, 2], [2, 1], [0, 0]], mode='REFLECT')
    a, b = tf.split(net, [3, 5], axis=3)
    net = tf.concat([b, a], axis=3)
    out = tf.reduce_max(net[:, 1:-1, ::2, :], axis=[1])
    with tf1_session(tf) as sess:
        weights, y = tf1_fill_and_run(tf, sess, name, wrng, x_ph, x, out)
        write_fixture(name, weights, x, y, "tensorflow %s (tf.compat.v1 graph mode), tf_slim 1.1.0" % tf.__version__)


def fixture_slim_bottleneck():
    name = "slim_bottleneck"
    tf, slim = import_tf1_slim()

    # The book's resnet_v2 (Graphs/resnet_v2.graph is the same code line for line).
    def subsample(inputs, factor, scope=None):
        if factor == 1:
            return inputs
        else:
            return slim.max_pool2d(inputs, [1, 1], stride=factor, scope=scope)

    def conv2d_same(inputs, num_outputs, kernel_size, stride, scope=None):
        if stride == 1:
            return slim.conv2d(inputs, num_outputs, kernel_size, stride=1, padding='SAME', scope=scope)
        else:
            pad_total = kernel_size - 1
            pad_beg = pad_total // 2
            pad_end = pad_total - pad_beg
            inputs = tf.pad(inputs, [[0, 0], [pad_beg, pad_end], [pad_beg, pad_end], [0, 0]])
            return slim.conv2d(inputs, num_outputs, kernel_size, stride=stride, padding='VALID', scope=scope)

    def resnet_arg_scope(is_training=True, weight_decay=0.0001, batch_norm_decay=0.997, batch_norm_epsilon=1e-5,
                         batch_norm_scale=True):
        batch_norm_params = {
            'is_training': is_training,
            'decay': batch_norm_decay,
            'epsilon': batch_norm_epsilon,
            'scale': batch_norm_scale,
            'updates_collections': tf.GraphKeys.UPDATE_OPS,
        }
        with slim.arg_scope([slim.conv2d],
                            weights_regularizer=slim.l2_regularizer(weight_decay),
                            weights_initializer=slim.variance_scaling_initializer(),
                            activation_fn=tf.nn.relu,
                            normalizer_fn=slim.batch_norm,
                            normalizer_params=batch_norm_params):
            with slim.arg_scope([slim.batch_norm], **batch_norm_params):
                with slim.arg_scope([slim.max_pool2d], padding='SAME') as arg_sc:
                    return arg_sc

    @slim.add_arg_scope
    def bottleneck(inputs, depth, depth_bottleneck, stride, outputs_collections=None, scope=None):
        with tf.variable_scope(scope, 'bottleneck_v2', [inputs]) as sc:
            depth_in = slim.utils.last_dimension(inputs.get_shape(), min_rank=4)
            preact = slim.batch_norm(inputs, activation_fn=tf.nn.relu, scope='preact')
            if depth == depth_in:
                shortcut = subsample(inputs, stride, 'shortcut')
            else:
                shortcut = slim.conv2d(preact, depth, [1, 1], stride=stride, normalizer_fn=None, activation_fn=None,
                                       scope='shortcut')
            residual = slim.conv2d(preact, depth_bottleneck, [1, 1], stride=1, scope='conv1')
            residual = conv2d_same(residual, depth_bottleneck, 3, stride, scope='conv2')
            residual = slim.conv2d(residual, depth, [1, 1], stride=1, normalizer_fn=None, activation_fn=None,
                                   scope='conv3')
            output = shortcut + residual
            return slim.utils.collect_named_outputs(outputs_collections, sc.name, output)

    xrng, wrng = rngs(name)
    x_np = make_input(xrng, (2, 9, 9, 8), "normal")
    x = tf.placeholder(tf.float32, [2, 9, 9, 8], name='x')
    with slim.arg_scope(resnet_arg_scope(is_training=False)):
        with tf.variable_scope('net'):
            with tf.variable_scope('unit_1'):
                net = bottleneck(x, depth=16, depth_bottleneck=4, stride=1)
            with tf.variable_scope('unit_2'):
                net = bottleneck(net, depth=16, depth_bottleneck=4, stride=2)
    with tf1_session(tf) as sess:
        weights, y = tf1_fill_and_run(tf, sess, name, wrng, x, x_np, net)
        write_fixture(name, weights, x_np, y, "tensorflow %s (tf.compat.v1 graph mode), tf_slim 1.1.0"
                      % tf.__version__)
        tf1_checkpoint_selftest(tf, sess, name, weights, tf.reduce_sum(net), use_cli=False)


# ----------------------------------------------------------------------------
# Keras
# ----------------------------------------------------------------------------

def fixture_keras_basic_block():
    name = "keras_basic_block"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import numpy as np
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    from tensorflow import keras
    from tensorflow.keras import layers, Sequential

    # Seed 001, verbatim.
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
                self.downsample = lambda x:x

        def call(self, inputs, training=None):
            out = self.conv1(inputs)
            out = self.bn1(out, training=training)
            out = self.relu(out)
            out = self.conv2(out)
            out = self.bn2(out, training=training)
            identity = self.downsample(inputs)
            output = layers.add([out, identity])
            output = tf.nn.relu(output)
            return output

    xrng, wrng = rngs(name)
    x = make_input(xrng, (2, 10, 10, 4), "normal")
    block = BasicBlock(8, stride=2)
    block(tf.constant(x), training=False)        # builds the variables
    down = block.downsample.layers[0]
    mapping = [
        ("block/conv1/weights", block.conv1.kernel), ("block/conv1/biases", block.conv1.bias),
        ("block/bn1/gamma", block.bn1.gamma), ("block/bn1/beta", block.bn1.beta),
        ("block/bn1/moving_mean", block.bn1.moving_mean),
        ("block/bn1/moving_variance", block.bn1.moving_variance),
        ("block/conv2/weights", block.conv2.kernel), ("block/conv2/biases", block.conv2.bias),
        ("block/bn2/gamma", block.bn2.gamma), ("block/bn2/beta", block.bn2.beta),
        ("block/bn2/moving_mean", block.bn2.moving_mean),
        ("block/bn2/moving_variance", block.bn2.moving_variance),
        ("block/downsample/0/weights", down.kernel), ("block/downsample/0/biases", down.bias),
    ]
    assert len(mapping) == len(block.weights), [w.path for w in block.weights]
    assert block.bn1.epsilon == 1e-3 and block.bn2.epsilon == 1e-3
    weights = {}
    for gname, var in mapping:
        value = make_weight(wrng, gname, var.shape)       # Keras kernels are HWIO already
        var.assign(value)
        weights[gname] = value
    y = np.asarray(block(tf.constant(x), training=False))
    write_fixture(name, weights, x, y, "keras %s on tensorflow %s" % (keras.__version__, tf.__version__))


# ----------------------------------------------------------------------------
# PyTorch
# ----------------------------------------------------------------------------

def import_torch():
    import torch
    torch.manual_seed(0)              # the initial values are all overwritten anyway
    torch.set_num_threads(1)
    return torch


def torch_seed003(torch):
    """Seed 003's conv_3x3 and residual_block, verbatim."""
    from torch import nn
    import torch.nn.functional as F

    def conv_3x3(in_channels, out_channels, stride = 1):
        return nn.Conv2d(in_channels, out_channels, 3, stride = stride, padding = 1, bias = False)

    class residual_block(nn.Module):
        def __init__(self, in_channels, out_channels, same_shape = True):
            super(residual_block, self).__init__()
            self.same_shape = same_shape
            stride = 1 if self.same_shape else 2

            self.conv1 = conv_3x3(in_channels, out_channels, stride = stride)
            self.bn1 = nn.BatchNorm2d(out_channels)

            self.conv2 = conv_3x3(out_channels, out_channels)
            self.bn2 = nn.BatchNorm2d(out_channels)

            if not self.same_shape:
                self.conv3 = nn.Conv2d(in_channels, out_channels, 1, stride = stride)

        def forward(self, x):
            out = self.conv1(x)
            out = F.relu(self.bn1(out), inplace = True)
            out = self.conv2(out)
            out = F.relu(self.bn2(out), inplace = True)

            if not self.same_shape:
                x = self.conv3(x)
            return F.relu(x + out, True)

    return conv_3x3, residual_block


def torch_fill(torch, model, prefix, wrng):
    """Fills every parameter and running statistic of `model` (in state_dict
    order) from numpy values drawn in graphc's layout; returns them by graphc name.
    Conv2d weights OIHW <-> HWIO, Linear weights [out, in] <-> [in, out]."""
    import numpy as np
    from torch import nn
    modules = dict(model.named_modules())
    state = model.state_dict()
    weights = {}
    for key, tensor in state.items():
        mod_path, _, attr = key.rpartition(".")
        module = modules[mod_path]
        path = "/".join(p for p in [prefix, mod_path.replace(".", "/")] if p)
        if isinstance(module, nn.Conv2d):
            leaf = {"weight": "weights", "bias": "biases"}[attr]
        elif isinstance(module, nn.Linear):
            leaf = {"weight": "weights", "bias": "biases"}[attr]
        elif isinstance(module, nn.BatchNorm2d):
            if attr == "num_batches_tracked":
                continue
            leaf = {"weight": "gamma", "bias": "beta", "running_mean": "moving_mean",
                    "running_var": "moving_variance"}[attr]
        else:
            raise ValueError("no mapping for %s" % key)
        gname = path + "/" + leaf
        shape = tuple(tensor.shape)
        if leaf == "weights" and len(shape) == 4:
            gshape = (shape[2], shape[3], shape[1], shape[0])
            value = make_weight(wrng, gname, gshape)
            tvalue = value.transpose(3, 2, 0, 1)          # HWIO -> OIHW
        elif leaf == "weights" and len(shape) == 2:
            value = make_weight(wrng, gname, (shape[1], shape[0]))
            tvalue = value.T                              # [in, out] -> [out, in]
        else:
            value = make_weight(wrng, gname, shape)
            tvalue = value
        with torch.no_grad():
            tensor.copy_(torch.from_numpy(np.ascontiguousarray(tvalue)))
        weights[gname] = value
    # state_dict() tensors share storage with the module; check the copy landed.
    for key, tensor in model.state_dict().items():
        assert not key.endswith("running_var") or float(tensor.min()) >= 0.5, key
    return weights


def torch_run(torch, model, x_nhwc):
    import numpy as np
    model.eval()
    with torch.no_grad():
        y = model(torch.from_numpy(np.ascontiguousarray(x_nhwc.transpose(0, 3, 1, 2))))
    y = y.numpy()
    if y.ndim == 4:
        y = y.transpose(0, 2, 3, 1)                       # NCHW -> NHWC
    return np.ascontiguousarray(y.astype(np.float32))


def fixture_torch_residual_block():
    name = "torch_residual_block"
    torch = import_torch()
    _, residual_block = torch_seed003(torch)
    xrng, wrng = rngs(name)
    x = make_input(xrng, (2, 11, 11, 4), "normal")
    model = residual_block(4, 8, same_shape=False)
    weights = torch_fill(torch, model, "block", wrng)
    y = torch_run(torch, model, x)
    write_fixture(name, weights, x, y, "torch %s" % torch.__version__)


def fixture_torch_block1():
    name = "torch_block1"
    torch = import_torch()
    from torch import nn
    xrng, wrng = rngs(name)
    x = make_input(xrng, (2, 20, 21, 3), "uniform")
    model = nn.Sequential()
    model.add_module("block1", nn.Conv2d(3, 64, 7, 2))    # seed 003's block1
    weights = torch_fill(torch, model, "", wrng)
    y = torch_run(torch, model, x)
    write_fixture(name, weights, x, y, "torch %s" % torch.__version__)


def fixture_gluon_preact_block():
    name = "gluon_preact_block"
    torch = import_torch()
    from torch import nn
    import torch.nn.functional as F

    # Seed 002's Residual(8, use_1x1conv=True, strides=2) written in PyTorch:
    # Gluon's Conv2D has biases and BatchNorm gamma with eps 1e-5, like PyTorch's;
    # Gluon infers bn1's channels from its input (4), PyTorch needs them spelled out.
    class Residual(nn.Module):
        def __init__(self, in_channels, num_channels, use_1x1conv=False, strides=1):
            super(Residual, self).__init__()
            self.conv1 = nn.Conv2d(in_channels, num_channels, kernel_size=3, stride=strides, padding=1)
            self.bn1 = nn.BatchNorm2d(in_channels, eps=1e-5)
            self.conv2 = nn.Conv2d(num_channels, num_channels, kernel_size=3, stride=1, padding=1)
            self.bn2 = nn.BatchNorm2d(num_channels, eps=1e-5)
            if use_1x1conv:
                self.conv3 = nn.Conv2d(in_channels, num_channels, kernel_size=1, stride=strides)
            else:
                self.conv3 = None

        def forward(self, X):
            Y = self.conv1(F.relu(self.bn1(X)))
            Y = self.conv2(F.relu(self.bn2(Y)))
            if self.conv3:
                X = self.conv3(F.relu(X))
            return Y + X

    xrng, wrng = rngs(name)
    x = make_input(xrng, (2, 10, 9, 4), "normal")
    model = Residual(4, 8, use_1x1conv=True, strides=2)
    weights = torch_fill(torch, model, "block", wrng)
    y = torch_run(torch, model, x)
    write_fixture(name, weights, x, y, "torch %s (seed 002's Gluon block written in PyTorch)"
                  % torch.__version__)


def fixture_small_resnet():
    name = "small_resnet"
    torch = import_torch()
    from torch import nn
    from safetensors.torch import save_file
    _, residual_block = torch_seed003(torch)

    # Seed 003's ResNet with stages of 8, 16, 32, 64 channels instead of 64 to 512.
    class ResNet(nn.Module):
        def __init__(self, in_channels, num_classes, verbose = False):
            super(ResNet, self).__init__()
            self.verbose = verbose

            self.block1 = nn.Conv2d(in_channels, 8, 7, 2)

            self.block2 = nn.Sequential(
                        nn.MaxPool2d(3, 2),
                        residual_block(8, 8),
                        residual_block(8, 8))

            self.block3 = nn.Sequential(
                        residual_block(8, 16, False),
                        residual_block(16, 16))

            self.block4 = nn.Sequential(
                        residual_block(16, 32, False),
                        residual_block(32, 32))

            self.block5 = nn.Sequential(
                        residual_block(32, 64, False),
                        residual_block(64, 64),
                        nn.AvgPool2d(3))

            self.classifier = nn.Linear(64, num_classes)

        def forward(self, x):
            x = self.block1(x)
            if self.verbose:
                print('block1 output:{}'.format(x.shape))
            x = self.block2(x)
            if self.verbose:
                print('block2 output:{}'.format(x.shape))
            x = self.block3(x)
            if self.verbose:
                print('block3 output:{}'.format(x.shape))
            x = self.block4(x)
            if self.verbose:
                print('block4 output:{}'.format(x.shape))
            x = self.block5(x)
            if self.verbose:
                print('block5 output:{}'.format(x.shape))
            x = x.view(x.shape[0], -1)
            x = self.classifier(x)
            return x

    xrng, wrng = rngs(name)
    x = make_input(xrng, (2, 96, 96, 3), "uniform")
    model = ResNet(3, 10)
    weights = torch_fill(torch, model, "", wrng)
    y = torch_run(torch, model, x)
    source = "torch %s" % torch.__version__
    write_fixture(name, weights, x, y, source)
    state = model.state_dict()
    assert state["block2.1.bn1.num_batches_tracked"].dtype == torch.int64
    save_safetensors(save_file, state, os.path.join(DATA, name + ".torch.safetensors"),
                     {"format": "pt", "source": source, "fixture": name})
    print("  %s: state_dict with %d tensors saved as %s.torch.safetensors" % (name, len(state), name),
          flush=True)


def fixture_torch_flatten_linear():
    name = "torch_flatten_linear"
    torch = import_torch()
    import numpy as np
    from torch import nn
    from safetensors.torch import save_file

    # A linear layer after x.view(N, -1) of a 4 x 3 x 3 map, as seed 003's classifier would be
    # without its pooling to 1x1.
    class Net(nn.Module):
        def __init__(self):
            super(Net, self).__init__()
            self.conv = nn.Conv2d(3, 4, 3)
            self.fc = nn.Linear(36, 5)

        def forward(self, x):
            x = torch.relu(self.conv(x))
            return self.fc(x.view(x.shape[0], -1))

    xrng, wrng = rngs(name)
    x = make_input(xrng, (2, 5, 5, 3), "normal")
    model = Net()
    weights = torch_fill(torch, model, "", wrng)
    # torch_fill wrote fc/weights rows in PyTorch's (c, h, w) feature order; graphc's flatten
    # orders features (h, w, c), so graphc row (h, w, c) is PyTorch row (c, h, w).
    h, w, c = 3, 3, 4
    order = [(ch * h + yy) * w + xx for yy in range(h) for xx in range(w) for ch in range(c)]
    weights["fc/weights"] = np.ascontiguousarray(weights["fc/weights"][order])
    y = torch_run(torch, model, x)
    source = "torch %s" % torch.__version__
    write_fixture(name, weights, x, y, source)
    save_safetensors(save_file, model.state_dict(), os.path.join(DATA, name + ".torch.safetensors"),
                     {"format": "pt", "source": source, "fixture": name})


def fixture_torch_mobile_block():
    name = "torch_mobile_block"
    torch = import_torch()
    import numpy as np
    from torch import nn
    import torch.nn.functional as F

    class Net(nn.Module):
        def __init__(self):
            super(Net, self).__init__()
            self.expand = nn.Conv2d(8, 24, 1, bias=False)
            self.expand_bn = nn.BatchNorm2d(24)
            self.dw = nn.Conv2d(24, 24, 3, padding=1, groups=24, bias=False)
            self.dw_bn = nn.BatchNorm2d(24)
            self.project = nn.Conv2d(24, 8, 1, bias=False)
            self.project_bn = nn.BatchNorm2d(8)
            self.grouped = nn.Conv2d(8, 12, 3, stride=2, padding=1, groups=4)
            self.dw2 = nn.Conv2d(12, 24, 3, padding=2, dilation=2, groups=12)

        def forward(self, x):
            y = F.relu6(self.expand_bn(self.expand(x)))
            y = F.relu6(self.dw_bn(self.dw(y)))
            y = self.project_bn(self.project(y))
            x = F.relu(self.grouped(x + y))
            return self.dw2(x)

    xrng, wrng = rngs(name)
    x = make_input(xrng, (2, 9, 10, 8), "normal")
    model = Net()
    weights = {}

    def conv(module, scope, leaf="weights"):
        # PyTorch [O, I / groups, kh, kw] is graphc's [kh, kw, I / groups, O]; a depthwise
        # [C * m, 1, kh, kw] is slim's depthwise_weights [kh, kw, C, m] in the same order.
        o, i, kh, kw = module.weight.shape
        gname = scope + "/" + leaf
        value = make_weight(wrng, gname, (kh, kw, i, o))
        with torch.no_grad():
            module.weight.copy_(torch.from_numpy(np.ascontiguousarray(value.transpose(3, 2, 0, 1))))
        if leaf == "depthwise_weights":
            c = module.in_channels
            value = np.ascontiguousarray(value.reshape(kh, kw, c, o // c))
        weights[gname] = value
        if module.bias is not None:
            b = make_weight(wrng, scope + "/biases", (o,))
            with torch.no_grad():
                module.bias.copy_(torch.from_numpy(b))
            weights[scope + "/biases"] = b

    def bn(module, scope):
        for attr, leaf in [("weight", "gamma"), ("bias", "beta"), ("running_mean", "moving_mean"), ("running_var", "moving_variance")]:
            v = make_weight(wrng, scope + "/BatchNorm/" + leaf, tuple(getattr(module, attr).shape))
            with torch.no_grad():
                getattr(module, attr).copy_(torch.from_numpy(v))
            weights[scope + "/BatchNorm/" + leaf] = v

    conv(model.expand, "expand"); bn(model.expand_bn, "expand")
    conv(model.dw, "dw", "depthwise_weights"); bn(model.dw_bn, "dw")
    conv(model.project, "project"); bn(model.project_bn, "project")
    conv(model.grouped, "grouped")
    conv(model.dw2, "dw2", "depthwise_weights")
    y = torch_run(torch, model, x)
    write_fixture(name, weights, x, y, "torch %s" % torch.__version__)


def fixture_torch_decoder():
    name = "torch_decoder"
    torch = import_torch()
    import numpy as np
    from torch import nn
    import torch.nn.functional as F

    class Decoder(nn.Module):
        def __init__(self):
            super(Decoder, self).__init__()
            self.up1 = nn.ConvTranspose2d(8, 6, 3, stride=2, padding=1, output_padding=1)
            self.up2 = nn.ConvTranspose2d(6, 4, 2, stride=2)

        def forward(self, x):
            x = F.relu(self.up1(x))
            x = F.interpolate(x, size=(15, 17), mode="bilinear", align_corners=False)
            a = F.interpolate(x, size=(20, 24), mode="bilinear", align_corners=True)
            b = F.interpolate(x, size=(20, 24), mode="nearest")
            return self.up2(a + b)

    xrng, wrng = rngs(name)
    x = make_input(xrng, (2, 5, 6, 8), "normal")
    model = Decoder()
    weights = {}
    for scope, module in [("up1", model.up1), ("up2", model.up2)]:
        cin, cout, kh, kw = module.weight.shape
        # PyTorch's [Cin, Cout, kh, kw] is slim's conv2d_transpose [kh, kw, Cout, Cin].
        value = make_weight(wrng, scope + "/weights", (kh, kw, cin, cout))   # fan-in over Cin
        value = np.ascontiguousarray(value.transpose(0, 1, 3, 2))
        with torch.no_grad():
            module.weight.copy_(torch.from_numpy(np.ascontiguousarray(value.transpose(3, 2, 0, 1))))
        weights[scope + "/weights"] = value
        b = make_weight(wrng, scope + "/biases", (cout,))
        with torch.no_grad():
            module.bias.copy_(torch.from_numpy(b))
        weights[scope + "/biases"] = b
    y = torch_run(torch, model, x)
    write_fixture(name, weights, x, y, "torch %s" % torch.__version__)


# ----------------------------------------------------------------------------
# Checks (run in the parent, numpy only)
# ----------------------------------------------------------------------------

def read_safetensors_header(path):
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        return json.loads(f.read(n))


def graphc_expectations(name):
    """{variable: shape} and the placeholder's shape from `graphc dump`, or None."""
    if not os.path.exists(GRAPHC):
        return None
    text = subprocess.run(
        [GRAPHC, "dump", os.path.join(HERE, name + ".graph"), "-I", GRAPHS, "--no-locations"],
        check=True, capture_output=True, text=True).stdout
    variables, placeholders = {}, []
    for line in text.splitlines():
        m = re.search(r"= (VariableV2|Placeholder) : \(([^)]*)\) \"([^\"]+)\"", line)
        if not m:
            continue
        shape = tuple(int(d) for d in m.group(2).replace(",", " ").split())
        if m.group(1) == "VariableV2":
            variables[m.group(3)] = shape
        else:
            placeholders.append(shape)
    return variables, placeholders


def check_fixture(name):
    import numpy as np
    path = os.path.join(DATA, name + ".weights.safetensors")
    header = read_safetensors_header(path)
    meta = header.pop("__metadata__", {})
    assert meta.get("fixture") == name and meta.get("source"), (name, meta)
    for k, info in header.items():
        assert info["dtype"] == "F32", (name, k, info["dtype"])
    from safetensors.numpy import load_file
    loaded = load_file(path)
    assert all(v.dtype == np.float32 and np.all(np.isfinite(v)) for v in loaded.values()), name
    x = np.load(os.path.join(DATA, name + ".input.npy"))
    y = np.load(os.path.join(DATA, name + ".output.npy"))
    assert x.dtype == np.float32 and y.dtype == np.float32
    assert np.all(np.isfinite(y)), name
    expected = graphc_expectations(name)
    if expected is None:
        note = "graphc not built (%s), names not checked" % os.path.relpath(GRAPHC, REPO)
    else:
        variables, placeholders = expected
        got = {k: tuple(v["shape"]) for k, v in header.items()}
        if got != variables:
            missing = sorted(set(variables) - set(got))
            extra = sorted(set(got) - set(variables))
            wrong = sorted(k for k in set(got) & set(variables) if got[k] != variables[k])
            raise AssertionError("%s: weights differ from graphc's variables: missing %s, extra %s, "
                                 "wrong shapes %s" % (name, missing, extra, wrong))
        assert placeholders == [x.shape], (name, placeholders, x.shape)
        note = "%d names and shapes match graphc dump" % len(variables)
    print("%-22s max|output| = %-10.6g output %-16s %s"
          % (name, float(np.abs(y).max()), str(y.shape), note), flush=True)


def digest(paths):
    h = hashlib.sha256()
    for p in paths:
        with open(p, "rb") as f:
            h.update(f.read())
    return h.hexdigest()[:16]


# ----------------------------------------------------------------------------

def main(argv):
    if "--install-only" in argv:
        ensure_venv()
        return 0
    names = [argv[i + 1] for i, a in enumerate(argv) if a == "--fixture"] or list(FIXTURES)
    for n in names:
        if n not in FIXTURES:
            sys.exit("make_fixtures: no fixture %r (have %s)" % (n, ", ".join(FIXTURES)))

    if "--child" in argv:
        # One fixture per fresh interpreter: TF1 graph mode (disable_eager_execution)
        # is process-wide and Keras 3 needs eager, and torch and TF stay apart.
        assert running_in_venv()
        globals()["fixture_" + names[0]]()
        return 0

    if not running_in_venv():
        t0 = time.time()
        if "--venv-as-is" not in argv:
            ensure_venv()
        print("make_fixtures: venv ready in %.0f s; re-executing in it" % (time.time() - t0), flush=True)
        env = dict(os.environ, PYTHONHASHSEED="0")
        os.execve(venv_python(), [venv_python(), os.path.abspath(__file__)] + argv, env)

    t0 = time.time()
    env = dict(os.environ, PYTHONHASHSEED="0", TF_CPP_MIN_LOG_LEVEL="2",
               TF_ENABLE_ONEDNN_OPTS="0", OMP_NUM_THREADS="1", CUDA_VISIBLE_DEVICES="")
    env.pop("TF_USE_LEGACY_KERAS", None)
    print("make_fixtures: writing %s" % os.path.relpath(DATA, REPO), flush=True)
    for n in names:
        subprocess.check_call([sys.executable, os.path.abspath(__file__), "--child", "--fixture", n],
                              env=env, cwd=REPO)
    print("make_fixtures: generated in %.0f s; checking" % (time.time() - t0), flush=True)
    for n in names:
        check_fixture(n)
    files = sorted(os.path.join(DATA, f) for f in os.listdir(DATA))
    total = sum(os.path.getsize(f) for f in files)
    print("make_fixtures: %d files, %.1f KiB in %s, sha256 %s"
          % (len(files), total / 1024.0, os.path.relpath(DATA, REPO), digest(files)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
