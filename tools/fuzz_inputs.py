#!/usr/bin/env python3
"""Mutation fuzzing of graphc's inputs: graph files, safetensors weights, .npy inputs and
compiled plans. Every mutated input must give exit status 0 or 1 (a diagnostic), never a
crash, a Swift trap (SIGILL / SIGTRAP) or a hang.

    python3 tools/fuzz_inputs.py [--graphc .build/release/graphc] [--cases 300] [--seed 1]

Needs a built graphc; prints each offending input's path (kept in a temporary folder) and
exits 1 if there was one.
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def mutate_text(text, rng):
    ops = rng.randint(1, 4)
    chars = list(text)
    tokens = ["(", ")", "[", "]", ":", ",", "=", "+", "*", "-", "**", "//", "def ", "return ", "if ", "for ", "with ",
              "None", "0", "-1", "99999999999999999999", "1e309", "'", '"', "\n    ", "\n", "\t", "lambda", "@", "\\",
              "conv2d(", "placeholder(float32, [", "arg_scope([", "variable_scope(", "print(", "import ", "range(10**9)"]
    for _ in range(ops):
        if not chars:
            break
        i = rng.randrange(len(chars))
        kind = rng.random()
        if kind < 0.3:
            del chars[i:i + rng.randint(1, 20)]
        elif kind < 0.7:
            chars[i:i] = list(rng.choice(tokens))
        else:
            j = rng.randrange(len(chars))
            chars[i:i + 5] = chars[j:j + 5]
    return "".join(chars)


def mutate_bytes(data, rng):
    data = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        kind = rng.random()
        if kind < 0.2 and len(data) > 8:
            del data[rng.randrange(len(data)):]
        elif kind < 0.8 and data:
            data[rng.randrange(min(len(data), 4096))] = rng.randrange(256)
        elif data:
            i = rng.randrange(min(len(data), 4096))
            data[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
    return bytes(data)


def fix_checksum(blob):
    """Recomputes a .gplan's checksum so that mutations reach the header and plan checks."""
    if len(blob) < 64:
        return blob
    data_offset = int.from_bytes(blob[24:32], "little")
    data_size = int.from_bytes(blob[32:40], "little")
    if data_offset > len(blob) or data_offset + data_size > len(blob) or data_offset < 64:
        return blob
    h = 0xcbf29ce484222325
    for b in blob[64:data_offset] + blob[data_offset:data_offset + data_size]:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return blob[:40] + h.to_bytes(8, "little") + blob[48:]


def run(graphc, args, timeout=60):
    try:
        p = subprocess.run([graphc] + args, cwd=ROOT, capture_output=True, timeout=timeout)
        return p.returncode, p.stderr.decode(errors="replace")
    except subprocess.TimeoutExpired:
        return "timeout", ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--graphc", default=os.path.join(ROOT, ".build/release/graphc"))
    ap.add_argument("--cases", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    out = tempfile.mkdtemp(prefix="graphc-fuzz-")
    graphs = [os.path.join(ROOT, "Graphs", f) for f in sorted(os.listdir(os.path.join(ROOT, "Graphs"))) if f.endswith(".graph")]
    data = os.path.join(ROOT, "Tests/Fixtures/data")
    plan = os.path.join(out, "base.gplan")
    run(a.graphc, ["compile", "Tests/Fixtures/torch_residual_block.graph", "-I", "Graphs", "--weights",
                   os.path.join(data, "torch_residual_block.weights.safetensors"), "-o", plan])
    bad = []
    for case in range(a.cases):
        kind = case % 4
        if kind in (0, 1):
            src = rng.choice(graphs)
            path = os.path.join(out, "case%d.graph" % case)
            with open(src) as f:
                text = mutate_text(f.read(), rng)
            with open(path, "w") as f:
                f.write(text)
            args = ["shapes", path, "-I", "Graphs", "--no-table"]
        elif kind == 2:
            path = os.path.join(out, "case%d.safetensors" % case)
            with open(os.path.join(data, "torch_residual_block.weights.safetensors"), "rb") as f:
                blob = mutate_bytes(f.read(), rng)
            with open(path, "wb") as f:
                f.write(blob)
            args = ["run", "Tests/Fixtures/torch_residual_block.graph", "-I", "Graphs", "--weights", path]
        else:
            if rng.random() < 0.5:
                path = os.path.join(out, "case%d.npy" % case)
                with open(os.path.join(data, "torch_residual_block.input.npy"), "rb") as f:
                    blob = mutate_bytes(f.read(), rng)
                with open(path, "wb") as f:
                    f.write(blob)
                args = ["run", "Tests/Fixtures/torch_residual_block.graph", "-I", "Graphs", "--input", "x=" + path]
            else:
                path = os.path.join(out, "case%d.gplan" % case)
                with open(plan, "rb") as f:
                    original = f.read()
                if rng.random() < 0.7:
                    # Mutate the JSON header as text, then make the checksum match again.
                    data_offset = int.from_bytes(original[24:32], "little")
                    header = original[64:data_offset].decode(errors="replace")
                    mutated = mutate_text(header, rng).encode()
                    mutated = (mutated + b" " * data_offset)[:data_offset - 64]
                    blob = fix_checksum(original[:64] + mutated + original[data_offset:])
                else:
                    blob = mutate_bytes(original, rng)
                with open(path, "wb") as f:
                    f.write(blob)
                args = ["run", path]
        status, err = run(a.graphc, args)
        if status not in (0, 1, 64):
            bad.append((status, path, err.strip().splitlines()[-1:] if err else []))
            print("status %s: graphc %s" % (status, " ".join(args)), flush=True)
        elif status == 1 and not err.strip():
            bad.append(("silent", path, []))
            print("silent failure: graphc %s" % " ".join(args), flush=True)
    print("%d cases, %d problems (inputs in %s)" % (a.cases, len(bad), out))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
