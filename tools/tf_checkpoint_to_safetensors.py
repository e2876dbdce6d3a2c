#!/usr/bin/env python3
"""Convert a TF1 / tf_slim checkpoint into a safetensors file graphc can load.

    python tools/tf_checkpoint_to_safetensors.py CKPT_PREFIX OUT.safetensors \
        [--include REGEX] [--exclude REGEX]

CKPT_PREFIX is what tf.compat.v1.train.Saver.save returned (e.g.
`model.ckpt-1000`, the files being model.ckpt-1000.index and .data-*), or a
directory, whose latest checkpoint is used. Every variable keeps its checkpoint
name, which for slim code is the name graphc gives the same variable (e.g.
resnet_v2_50/block1/unit_1/bottleneck_v2/conv1/weights), and its layout, which
is already graphc's (conv weights HWIO, fully connected [in, out]).

Floating tensors are written as float32 (float64, float16 and bfloat16 are
converted); tensors of other dtypes are skipped with a note. A name is kept when
it matches --include (re.search; default: everything) and does not match
--exclude, which defaults to DEFAULT_EXCLUDE: the global step and optimizer or
moving-average slots (`/Momentum`, `/ExponentialMovingAverage`, `/Adam`, ...).
Pass --exclude '' to keep everything. The tool prints how many tensors it wrote.

It needs tensorflow (for tf.train.load_checkpoint), numpy and safetensors. The
virtual environment that Tests/Fixtures/make_fixtures.py creates
(~/.cache/graphc-fixtures-venv by default) has all three:

    ~/.cache/graphc-fixtures-venv/bin/python tools/tf_checkpoint_to_safetensors.py ...

make_fixtures.py self-tests this tool on checkpoints of its two slim fixtures.
"""

import argparse
import os
import re
import sys

DEFAULT_EXCLUDE = (
    r"(^|/)global_step$"
    r"|/(Momentum|ExponentialMovingAverage|Adam|Adam_1|RMSProp|RMSProp_1|Adagrad"
    r"|AdagradDA|Adadelta|Adadelta_1|Ftrl|Ftrl_1|Nadam|Nadam_1)$"
    r"|(^|/)beta[12]_power$"
    r"|^_CHECKPOINTABLE_OBJECT_GRAPH$"
)


def _load_tf():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf
    return tf


def convert(ckpt_prefix, include=None, exclude=DEFAULT_EXCLUDE, log=None):
    """Reads the checkpoint; returns {name: float32 C-order numpy array} for the
    kept floating tensors, in name order."""
    import numpy as np
    tf = _load_tf()
    reader = tf.train.load_checkpoint(ckpt_prefix)
    dtypes = reader.get_variable_to_dtype_map()
    inc = re.compile(include) if include else None
    exc = re.compile(exclude) if exclude else None
    out = {}
    for name in sorted(dtypes):
        if inc is not None and not inc.search(name):
            continue
        if exc is not None and exc.search(name):
            continue
        dtype = tf.as_dtype(dtypes[name])
        if not dtype.is_floating:
            if log:
                log("skipping %s: dtype %s is not floating point" % (name, dtype.name))
            continue
        value = np.asarray(reader.get_tensor(name))
        out[name] = np.ascontiguousarray(value.astype(np.float32))
    return out


def write_safetensors(tensors, out_path, source=None):
    from safetensors.numpy import save_file
    metadata = {"converter": "tools/tf_checkpoint_to_safetensors.py"}
    if source:
        metadata["source"] = source
    save_file(tensors, out_path, metadata=metadata)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Convert a TF1/slim checkpoint into safetensors under the same variable names.")
    parser.add_argument("checkpoint", help="checkpoint prefix (or a directory with a checkpoint)")
    parser.add_argument("output", help="the .safetensors file to write")
    parser.add_argument("--include", default=None,
                        help="keep only names matching this regular expression (re.search)")
    parser.add_argument("--exclude", default=DEFAULT_EXCLUDE,
                        help="drop names matching this regular expression (default: global_step "
                             "and optimizer / moving-average slots; '' keeps everything)")
    args = parser.parse_args(argv)

    def log(msg):
        print(msg, file=sys.stderr)

    tensors = convert(args.checkpoint, include=args.include, exclude=args.exclude, log=log)
    if not tensors:
        log("no tensors matched; nothing written")
        return 1
    write_safetensors(tensors, args.output,
                      source="tensorflow checkpoint %s" % os.path.basename(os.path.normpath(args.checkpoint)))
    print("wrote %d tensors to %s" % (len(tensors), args.output))
    return 0


if __name__ == "__main__":
    sys.exit(main())
