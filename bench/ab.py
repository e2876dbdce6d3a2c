#!/usr/bin/env python3
"""Side-by-side A/B of graphc binaries on one graph, for a shared, noisy machine.

Each round runs `graphc bench` once with every binary in turn, so noise affects them alike;
it prints, per binary, the median of the per-round medians, the fastest run seen and each
round's median. Standard library only.

    python3 bench/ab.py OLD NEW GRAPH --weights W [--rounds 9] [--batch 1] [--iterations 15] \
        [-- extra graphc bench flags]
    python3 bench/ab.py A B C D GRAPH --rounds 5      # any number of binaries; seeded weights
"""
import argparse
import re
import statistics
import subprocess
import sys


def bench(binary, graph, args, extra):
    cmd = [binary, "bench", graph, "--batch", str(args.batch), "--iterations", str(args.iterations), "--warmup", "2",
           "--threads", str(args.threads)] + (["--weights", args.weights] if args.weights else []) + extra
    out = subprocess.run(cmd, capture_output=True, text=True)
    m = re.search(r"min ([0-9.]+) ms\s+median ([0-9.]+) ms", out.stdout)
    if out.returncode != 0 or not m:
        sys.exit(f"ab: {' '.join(cmd)} failed:\n{out.stderr.strip()}")
    return float(m.group(1)), float(m.group(2))


def main():
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        extra = argv[argv.index("--") + 1:]
        argv = argv[:argv.index("--")]
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+", help="the graphc binaries, then the graph (or .onnx / .gplan)")
    parser.add_argument("--weights", help="safetensors weights (default: seeded initial values)")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--iterations", type=int, default=15)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    if len(args.paths) < 3:
        parser.error("give at least two binaries and a graph")
    *binaries, graph = args.paths
    # By position, so one binary given twice (an A/A run, to see the noise) is timed twice.
    mins = [[] for _ in binaries]
    medians = [[] for _ in binaries]
    for _ in range(args.rounds):
        for i, b in enumerate(binaries):
            fastest, median = bench(b, graph, args, extra)
            mins[i].append(fastest)
            medians[i].append(median)
    width = max(len(b) for b in binaries)
    for i, b in enumerate(binaries):
        rounds = " ".join(f"{m:.2f}" for m in medians[i])
        print(f"{b:{width}}  median of medians {statistics.median(medians[i]):8.2f} ms  fastest {min(mins[i]):8.2f} ms  rounds {rounds}")


if __name__ == "__main__":
    main()
