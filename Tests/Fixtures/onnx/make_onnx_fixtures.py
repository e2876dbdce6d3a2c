#!/usr/bin/env python3
"""Generate the ONNX import fixtures in Tests/Fixtures/onnx/ and check the model zoo.

Fixtures (small, committed; CI runs the Swift tests on them and installs no torch):

  torch_mobile_dynamo.onnx   a small network with today's layers (depthwise and grouped
                             convolutions, batch norm, ReLU6, hard-swish, a squeeze-excite
                             block with hard-sigmoid, SiLU, GELU, residual adds, max and
                             average pooling with ceil_mode and count_include_pad=False,
                             linear, softmax), exported by torch.onnx's default (dynamo)
                             exporter at opset 18
  torch_mobile_legacy.onnx   the same network, same weights, exported by the TorchScript
                             exporter at opset 13 with a dynamic batch (Shape, Gather,
                             Unsqueeze, Concat and Reshape around x.view(x.size(0), -1),
                             Flatten, GlobalAveragePool, a BatchNormalization that cannot fold)
  torch_unet.onnx            a small U-Net: transposed convolutions, bilinear and nearest
                             resizing, skip connections concatenated (dynamo, opset 18)
  onnx_ops.onnx              built node by node with onnx.helper at opset 20: Gemm with
                             transB=0, alpha and beta; MatMul; Pad; Transpose; Clip; Sub and
                             Div by per-channel constants; Max, Min, Neg; ReduceMean without
                             keepdims; LeakyRelu, Elu, HardSigmoid, Gelu (tanh), Sigmoid,
                             Tanh; Squeeze, Unsqueeze, Concat, Softmax, Dropout, Identity,
                             Constant, Cast; SAME_UPPER and SAME_LOWER windows

  onnx_ops2.onnx             the same at opset 21 for Pad (reflect), InstanceNormalization,
                             GroupNormalization, Slice, Split, GlobalMaxPool, ReduceMax,
                             ReduceMin, ReduceSum and LayerNormalization

Each NAME.onnx has NAME.input.npy (seeded) and NAME.output.npy, ONNX Runtime's output.

With --zoo it also exports torchvision's resnet18, resnet50, mobilenet_v2,
mobilenet_v3_small, efficientnet_b0 and squeezenet1_1 (random weights, batch-norm
statistics randomized so no layer is trivial) to $GRAPHC_ONNX_ZOO (default
/tmp/graphc-onnx-zoo), runs each with `graphc run MODEL.onnx` and with ONNX Runtime on the
same input, and prints max |error| / max |reference| (the bar is 1e-4); and it runs
Graphs/mobilenet_v2.graph and Graphs/unet.graph with torchvision's and the fixture U-Net's
weights converted by `graphc convert --pytorch` against PyTorch itself.

Run from the repository root:  python3 Tests/Fixtures/onnx/make_onnx_fixtures.py [--zoo]
It creates a virtual environment outside the repository ($GRAPHC_ONNX_VENV, default
~/.cache/graphc-onnx-venv) with torch, torchvision, onnx, onnxscript, onnxruntime and
numpy, and re-executes itself there; --venv-as-is uses that venv without installing.
"""

import os
import subprocess
import sys

REQUIREMENTS = ["numpy", "onnx", "onnxruntime", "onnxscript", "torch", "torchvision"]
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
GRAPHC = os.path.join(REPO, ".build", "release", "graphc")


def venv_dir():
    return os.path.abspath(os.path.expanduser(os.environ.get("GRAPHC_ONNX_VENV") or "~/.cache/graphc-onnx-venv"))


def ensure_venv(install):
    import venv
    root = venv_dir()
    if os.path.realpath(root).startswith(os.path.realpath(REPO) + os.sep):
        sys.exit("make_onnx_fixtures: the venv must live outside the repository")
    python = os.path.join(root, "bin", "python")
    if not os.path.exists(python):
        venv.EnvBuilder(with_pip=True).create(root)
    if install:
        subprocess.check_call([python, "-m", "pip", "install", "--disable-pip-version-check", "-q"] + REQUIREMENTS)
    return python


def import_torchvision():
    import types
    try:
        import torchvision  # noqa: F401
    except RuntimeError:
        # A torchvision wheel built for another torch build fails registering its C++ ops
        # (nms, roi_align); the models need none of them.
        for name in list(sys.modules):
            if name.startswith("torchvision"):
                del sys.modules[name]
        sys.modules["torchvision._meta_registrations"] = types.ModuleType("torchvision._meta_registrations")
        import torchvision  # noqa: F401
    from torchvision import models
    return models


def randomize(torch, model, seed):
    """Every parameter ~ N(0, 1/fan_in) (biases and BN affine near their usual values) and
    batch-norm statistics random, so every layer does something."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() > 1:
                fan_in = p[0].numel()
                p.copy_(torch.randn(p.shape, generator=g) / fan_in ** 0.5)
            elif name.endswith("weight"):
                p.copy_(0.5 + torch.rand(p.shape, generator=g))
            else:
                p.copy_(0.1 * torch.randn(p.shape, generator=g))
        for name, b in model.named_buffers():
            if name.endswith("running_mean"):
                b.copy_(0.1 * torch.randn(b.shape, generator=g))
            elif name.endswith("running_var"):
                b.copy_(0.5 + torch.rand(b.shape, generator=g))
    return model.eval()


def mobile_net(torch):
    from torch import nn
    import torch.nn.functional as F

    class SqueezeExcite(nn.Module):
        def __init__(self, c, r):
            super().__init__()
            self.fc1 = nn.Conv2d(c, r, 1)
            self.fc2 = nn.Conv2d(r, c, 1)

        def forward(self, x):
            s = F.adaptive_avg_pool2d(x, 1)
            s = F.hardsigmoid(self.fc2(F.relu(self.fc1(s))))
            return x * s

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = nn.Conv2d(3, 16, 3, stride=2, padding=1, bias=False)
            self.stem_bn = nn.BatchNorm2d(16)
            self.dw = nn.Conv2d(16, 16, 3, padding=1, groups=16, bias=False)
            self.dw_bn = nn.BatchNorm2d(16)
            self.se = SqueezeExcite(16, 8)
            self.project = nn.Conv2d(16, 16, 1, bias=False)
            self.project_bn = nn.BatchNorm2d(16)
            self.post_add_bn = nn.BatchNorm2d(16)
            self.grouped = nn.Conv2d(16, 24, 3, padding=1, groups=4)
            self.expand = nn.Conv2d(24, 32, 1)
            self.fc = nn.Linear(32 * 2 * 2, 10)

        def forward(self, x):
            x = F.relu6(self.stem_bn(self.stem(x)))
            y = F.hardswish(self.dw_bn(self.dw(x)))
            y = self.project_bn(self.project(self.se(y)))
            x = self.post_add_bn(x + y)
            x = F.max_pool2d(x, 3, stride=2, ceil_mode=True)
            x = F.silu(self.grouped(x))
            x = F.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False)
            x = F.gelu(self.expand(x))
            x = F.adaptive_avg_pool2d(x, 2)
            x = x.view(x.size(0), -1)
            return torch.softmax(self.fc(x), dim=1)

    return Net()


def small_unet(torch):
    """A two-level U-Net: double 3x3 conv + BN + ReLU blocks, max pooling down; up by a
    transposed convolution (k=2, s=2) at one level and by bilinear resizing at the other;
    skip connections concatenated; a 1x1 head; sigmoid."""
    from torch import nn
    import torch.nn.functional as F

    def block(cin, cout):
        return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
                             nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))

    class UNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.down1 = block(3, 8)
            self.down2 = block(8, 16)
            self.bottom = block(16, 32)
            self.up2 = nn.ConvTranspose2d(32, 16, 2, stride=2)
            self.dec2 = block(32, 16)
            self.reduce1 = nn.Conv2d(16, 8, 1)
            self.dec1 = block(16, 8)
            self.refine = nn.ConvTranspose2d(8, 8, 3, stride=1, padding=1)
            self.head = nn.Conv2d(8, 2, 1)

        def forward(self, x):
            d1 = self.down1(x)
            d2 = self.down2(F.max_pool2d(d1, 2))
            b = self.bottom(F.max_pool2d(d2, 2))
            u2 = self.dec2(torch.cat([self.up2(b), d2], dim=1))
            u1 = F.interpolate(self.reduce1(u2), scale_factor=2, mode="bilinear", align_corners=False)
            u1 = self.dec1(torch.cat([u1, d1], dim=1))
            u1 = u1 + F.interpolate(F.avg_pool2d(u1, 2), scale_factor=2, mode="nearest")
            return torch.sigmoid(self.head(F.relu(self.refine(u1))))

    return UNet()


def onnx_ops_model():
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    rng = np.random.default_rng(2024)

    def init(name, shape, scale=1.0):
        return numpy_helper.from_array((rng.standard_normal(shape) * scale).astype(np.float32), name)

    def ints(name, values):
        return numpy_helper.from_array(np.array(values, dtype=np.int64), name)

    N = helper.make_node
    nodes = [
        N("Conv", ["x", "w1", "b1"], ["c1"], kernel_shape=[3, 3], strides=[2, 2], auto_pad="SAME_UPPER", name="/features/conv1/Conv"),
        N("HardSigmoid", ["c1"], ["hs"], alpha=0.3, beta=0.4),
        N("Sub", ["c1", "mean"], ["centred"]),
        N("Div", ["centred", "std"], ["normed"]),
        N("Mul", ["normed", "hs"], ["gated"]),
        N("Clip", ["gated", "lo", "hi"], ["clipped"]),
        N("MaxPool", ["clipped"], ["mp"], kernel_shape=[2, 2], strides=[1, 1], auto_pad="SAME_LOWER"),
        N("AveragePool", ["clipped"], ["ap"], kernel_shape=[3, 3], strides=[1, 1], auto_pad="SAME_UPPER", count_include_pad=1),
        N("Max", ["mp", "ap"], ["mx"]),
        N("Min", ["mp", "ap"], ["mn"]),
        N("Neg", ["mn"], ["neg"]),
        N("Concat", ["mx", "neg"], ["cat"], axis=1),
        N("Pad", ["cat", "pads"], ["padded"], mode="constant"),
        N("Conv", ["padded", "w2"], ["c2"], kernel_shape=[3, 3], pads=[0, 1, 1, 0], dilations=[1, 2], name="/features/conv2/Conv"),
        N("LeakyRelu", ["c2"], ["lr"], alpha=0.1),
        N("Elu", ["lr"], ["elu"], alpha=0.7),
        N("Transpose", ["elu"], ["t"], perm=[0, 2, 3, 1]),
        N("Tanh", ["t"], ["tanh"]),
        N("Transpose", ["tanh"], ["back"], perm=[0, 3, 1, 2]),
        N("ReduceMean", ["back", "axes23"], ["pooled"], keepdims=0),
        N("Dropout", ["pooled"], ["dropped"]),
        N("Identity", ["dropped"], ["same"]),
        N("Gemm", ["same", "g_w", "g_c"], ["gemm"], alpha=0.5, beta=2.0, transB=0, name="/head/fc/Gemm"),
        N("Gelu", ["gemm"], ["gelu"], approximate="tanh"),
        N("MatMul", ["gelu", "m_w"], ["mm"]),
        N("Constant", [], ["bias"], value=numpy_helper.from_array(np.linspace(-1, 1, 6).astype(np.float32))),
        N("Add", ["mm", "bias"], ["biased"]),
        N("Unsqueeze", ["biased", "axes23"], ["u"]),
        N("Sigmoid", ["u"], ["sig"]),
        N("Squeeze", ["sig", "axes23"], ["sq"]),
        N("Shape", ["sq"], ["shape"]),
        N("Cast", ["shape"], ["shape_f"], to=TensorProto.FLOAT),
        N("Cast", ["shape_f"], ["shape_i"], to=TensorProto.INT64),
        N("Reshape", ["sq", "shape_i"], ["reshaped"]),
        N("Softmax", ["reshaped"], ["y"], axis=1),
    ]
    inits = [
        init("w1", (8, 3, 3, 3), 0.4), init("b1", (8,), 0.1),
        init("mean", (1, 8, 1, 1), 0.1), numpy_helper.from_array((0.5 + rng.random((8, 1, 1))).astype(np.float32), "std"),
        numpy_helper.from_array(np.array(-1.5, dtype=np.float32), "lo"), numpy_helper.from_array(np.array(2.0, dtype=np.float32), "hi"),
        ints("pads", [0, 0, 1, 0, 0, 0, 0, 2]),
        init("w2", (12, 16, 3, 3), 0.15), ints("axes23", [2, 3]),
        init("g_w", (12, 7), 0.4), init("g_c", (1, 7), 0.3), init("m_w", (7, 6), 0.5),
    ]
    graph = helper.make_graph(nodes, "onnx_ops", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3, 11, 13])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 6])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 20)], producer_name="make_onnx_fixtures")
    onnx.checker.check_model(model)
    return model


def onnx_ops2_model():
    """The ops of today's segmentation and transformer models, at opset 21: Pad reflect,
    InstanceNormalization, GroupNormalization, Slice, Split, GlobalMaxPool, ReduceMax,
    ReduceMin, ReduceSum, LayerNormalization over the last axis of a 3-D value."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    rng = np.random.default_rng(2025)

    def init(name, shape, scale=1.0, offset=0.0):
        return numpy_helper.from_array((offset + rng.standard_normal(shape) * scale).astype(np.float32), name)

    def ints(name, values):
        return numpy_helper.from_array(np.array(values, dtype=np.int64), name)

    N = helper.make_node
    nodes = [
        N("Pad", ["x", "pads"], ["padded"], mode="reflect"),
        N("Conv", ["padded", "w1", "b1"], ["c1"], kernel_shape=[3, 3], name="/enc/conv/Conv"),
        N("InstanceNormalization", ["c1", "in_scale", "in_bias"], ["inorm"], epsilon=1e-4, name="/enc/inorm/InstanceNormalization"),
        N("Relu", ["inorm"], ["r1"]),
        N("GroupNormalization", ["r1", "gn_scale", "gn_bias"], ["gnorm"], num_groups=4, epsilon=1e-5, name="/enc/gn/GroupNormalization"),
        N("Slice", ["gnorm", "starts", "ends", "axes", "steps"], ["sliced"]),
        N("Split", ["sliced", "split"], ["part_a", "part_b"], axis=1),
        N("GlobalMaxPool", ["part_a"], ["gmp"]),
        N("ReduceMax", ["part_b", "axes23"], ["rmax"], keepdims=1),
        N("ReduceMin", ["part_b", "axes23"], ["rmin"], keepdims=1),
        N("Sub", ["rmax", "rmin"], ["range_"]),
        N("ReduceSum", ["part_b", "axes1"], ["rsum"], keepdims=1),
        N("Concat", ["gmp", "range_"], ["pooled"], axis=1),
        N("Mul", ["part_b", "pooled_b"], ["scaled"]),
        N("Add", ["scaled", "rsum"], ["mixed"]),
        N("Reshape", ["mixed", "to_tokens"], ["tokens"]),
        N("Transpose", ["tokens"], ["tokens_t"], perm=[0, 2, 1]),
        N("LayerNormalization", ["tokens_t", "ln_scale", "ln_bias"], ["normed"], axis=-1, epsilon=1e-5, name="/head/ln/LayerNormalization"),
        N("ReduceMean", ["normed", "axes1"], ["mean_tokens"], keepdims=0),
        N("Concat", ["mean_tokens", "pooled_flat"], ["y"], axis=1),
        N("Reshape", ["pooled", "flat"], ["pooled_flat"]),
        N("Slice", ["pooled", "starts_b", "ends_b", "axes_b"], ["pooled_b"]),
    ]
    # Topological order: the last two feed earlier nodes.
    nodes = nodes[:13] + [nodes[21]] + nodes[13:19] + [nodes[20], nodes[19]]
    inits = [
        ints("pads", [0, 0, 2, 1, 0, 0, 1, 2]),
        init("w1", (16, 3, 3, 3), 0.4), init("b1", (16,), 0.1),
        init("in_scale", (16,), 0.2, 1.0), init("in_bias", (16,), 0.1),
        init("gn_scale", (16,), 0.2, 1.0), init("gn_bias", (16,), 0.1),
        ints("starts", [1, 1, 0]), ints("ends", [-1, 1000, 16]), ints("axes", [2, 3, 1]), ints("steps", [1, 2, 1]),
        ints("split", [6, 10]), ints("axes23", [2, 3]), ints("axes1", [1]),
        ints("starts_b", [6]), ints("ends_b", [16]), ints("axes_b", [1]),
        ints("to_tokens", [0, 10, -1]), init("ln_scale", (10,), 0.2, 1.0), init("ln_bias", (10,), 0.1), ints("flat", [0, -1]),
    ]
    graph = helper.make_graph(nodes, "onnx_ops2", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 12, 14])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 26])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21)], producer_name="make_onnx_fixtures")
    onnx.checker.check_model(model, full_check=True)
    return model


def reference(path, x):
    import onnxruntime as ort
    s = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    return s.run(None, {s.get_inputs()[0].name: x})[0]


def write_fixture(name, x):
    import numpy as np
    path = os.path.join(HERE, name + ".onnx")
    y = reference(path, x)
    np.save(os.path.join(HERE, name + ".input.npy"), x)
    np.save(os.path.join(HERE, name + ".output.npy"), y.astype(np.float32))
    print("  %-22s input %-16s output %-10s max|output| %.4g  %6.1f KiB"
          % (name, x.shape, y.shape, float(abs(y).max()), os.path.getsize(path) / 1024), flush=True)


def fixtures():
    import numpy as np
    import onnx
    import torch
    torch.manual_seed(0)
    x = np.random.default_rng(7).standard_normal((2, 3, 32, 32)).astype(np.float32)
    model = randomize(torch, mobile_net(torch), 11)
    dynamo = os.path.join(HERE, "torch_mobile_dynamo.onnx")
    torch.onnx.export(model, (torch.from_numpy(x),), dynamo, dynamo=True, opset_version=18, external_data=False,
                      input_names=["image"], output_names=["probabilities"])
    write_fixture("torch_mobile_dynamo", x)
    legacy = os.path.join(HERE, "torch_mobile_legacy.onnx")
    torch.onnx.export(model, (torch.from_numpy(x),), legacy, dynamo=False, opset_version=13,
                      input_names=["image"], output_names=["probabilities"], dynamic_axes={"image": {0: "batch"}})
    write_fixture("torch_mobile_legacy", x)
    with torch.no_grad():
        expected = model(torch.from_numpy(x)).numpy()
    for name in ["torch_mobile_dynamo", "torch_mobile_legacy"]:
        got = np.load(os.path.join(HERE, name + ".output.npy"))
        assert np.abs(got - expected).max() <= 1e-5 * np.abs(expected).max(), name   # ONNX Runtime agrees with PyTorch
    unet = randomize(torch, small_unet(torch), 12)
    xu = np.random.default_rng(10).standard_normal((1, 3, 24, 32)).astype(np.float32)
    torch.onnx.export(unet, (torch.from_numpy(xu),), os.path.join(HERE, "torch_unet.onnx"), dynamo=True, opset_version=18,
                      external_data=False, input_names=["image"], output_names=["mask"])
    write_fixture("torch_unet", xu)
    with torch.no_grad():
        expected = unet(torch.from_numpy(xu)).numpy()
    got = np.load(os.path.join(HERE, "torch_unet.output.npy"))
    assert np.abs(got - expected).max() <= 1e-5 * np.abs(expected).max(), "torch_unet"
    onnx.save(onnx_ops_model(), os.path.join(HERE, "onnx_ops.onnx"))
    write_fixture("onnx_ops", np.random.default_rng(8).standard_normal((2, 3, 11, 13)).astype(np.float32))
    onnx.save(onnx_ops2_model(), os.path.join(HERE, "onnx_ops2.onnx"))
    write_fixture("onnx_ops2", np.random.default_rng(9).standard_normal((2, 3, 12, 14)).astype(np.float32))


def zoo():
    import numpy as np
    import torch
    models = import_torchvision()
    folder = os.environ.get("GRAPHC_ONNX_ZOO") or "/tmp/graphc-onnx-zoo"
    os.makedirs(folder, exist_ok=True)
    if not os.path.exists(GRAPHC):
        sys.exit("make_onnx_fixtures: build graphc first (swift build -c release)")
    x = np.random.default_rng(9).random((1, 3, 224, 224), dtype=np.float32)
    xpath = os.path.join(folder, "input.npy")
    np.save(xpath, x)
    worst = 0.0
    print("%-20s %10s %12s %10s" % ("model", "max|ref|", "max|error|", "relative"), flush=True)
    for name in ["resnet18", "resnet50", "mobilenet_v2", "mobilenet_v3_small", "efficientnet_b0", "squeezenet1_1"]:
        model = randomize(torch, getattr(models, name)(), 5)
        path = os.path.join(folder, name + ".onnx")
        torch.onnx.export(model, (torch.from_numpy(x),), path, dynamo=True, opset_version=18, input_names=["input"], output_names=["logits"])
        ref = reference(path, x)
        out = os.path.join(folder, name + ".graphc.npy")
        subprocess.run([GRAPHC, "run", path, "--input", "input=" + xpath, "--output", out], check=True, capture_output=True)
        got = np.load(out)
        err = float(np.abs(got - ref).max())
        scale = float(np.abs(ref).max())
        worst = max(worst, err / scale)
        print("%-20s %10.4g %12.3g %10.2e" % (name, scale, err, err / scale), flush=True)
    # The bundled graph files written after PyTorch models, with the models' weights converted.
    from safetensors.torch import save_file
    for graph, model, shape, defines in [
        ("mobilenet_v2", randomize(torch, models.mobilenet_v2(), 6), (2, 224, 224, 3), []),
        ("unet", randomize(torch, small_unet(torch), 7), (2, 24, 32, 3), ["-D", "base=8", "-D", "height=24", "-D", "width=32"]),
    ]:
        state = os.path.join(folder, graph + ".state.safetensors")
        save_file({k: v.contiguous() for k, v in model.state_dict().items()}, state)
        converted = os.path.join(folder, graph + ".weights.safetensors")
        path = os.path.join(REPO, "Graphs", graph + ".graph")
        subprocess.run([GRAPHC, "convert", path, *defines, "--pytorch", state, "-o", converted], check=True, capture_output=True)
        xg = np.random.default_rng(11).random(shape, dtype=np.float32)
        np.save(xpath, xg)
        out = os.path.join(folder, graph + ".graphc.npy")
        subprocess.run([GRAPHC, "run", path, *defines, "--weights", converted, "--input", xpath, "--output", out], check=True, capture_output=True)
        with torch.no_grad():
            ref = model(torch.from_numpy(xg.transpose(0, 3, 1, 2).copy())).numpy()
        if ref.ndim == 4:
            ref = ref.transpose(0, 2, 3, 1)
        got = np.load(out)
        err, scale = float(np.abs(got - ref).max()), float(np.abs(ref).max())
        worst = max(worst, err / scale)
        print("%-20s %10.4g %12.3g %10.2e  (Graphs/%s.graph, converted weights)" % (graph, scale, err, err / scale, graph), flush=True)
    print("worst relative error %.2e (bar 1e-4): %s" % (worst, "ok" if worst <= 1e-4 else "FAILED"), flush=True)
    return 0 if worst <= 1e-4 else 1


def main(argv):
    if os.path.realpath(sys.prefix) != os.path.realpath(venv_dir()):
        python = ensure_venv(install="--venv-as-is" not in argv)
        os.execv(python, [python, os.path.abspath(__file__)] + argv)
    print("make_onnx_fixtures: writing %s" % os.path.relpath(HERE, REPO), flush=True)
    fixtures()
    return zoo() if "--zoo" in argv else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
