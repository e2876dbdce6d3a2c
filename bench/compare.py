#!/usr/bin/env python3
"""graphc against ONNX Runtime on the Graphs/ networks, side by side, on this machine.

For each network: seeded weights (`graphc init`), the same network exported to ONNX
(`graphc export --onnx`), one random input. It checks that graphc (default and
--no-winograd) and ONNX Runtime agree on that input, then times them alternately for several
rounds (`graphc bench`; ONNX Runtime in a worker process of its own, so each side's peak
RSS is its own) and writes Docs/Performance.md with the table and Docs/performance.svg with
the ratios.

    python3 bench/compare.py                 # every row (about 15 minutes on 2 cores)
    python3 bench/compare.py --quick         # the batch-1 rows, fewer rounds
    python3 bench/compare.py --only resnet18_b1 --rounds 5

The script makes its own virtual environment (bench/.venv, with onnxruntime and numpy) and
re-runs itself in it. CI does not run it: speed is measured here, not in tests.
"""
import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, "bench", ".venv")
REQUIREMENTS = ["onnxruntime", "numpy"]

# name, graph file, batch, -D definitions, timed iterations per round
NETWORKS = [
    ("seed000_b4", "Graphs/seed000_slim_resnet.graph", 4, [], 20),
    ("seed003_b1", "Graphs/seed003_pytorch_resnet.graph", 1, [], 40),
    ("resnet18_b1", "Graphs/resnet18.graph", 1, [], 30),
    ("resnet18_b16", "Graphs/resnet18.graph", 16, [], 5),
    ("resnet_v2_50_b1", "Graphs/seed004_resnet_v2.graph", 1, [], 20),
    ("resnet_v2_50_b32", "Graphs/seed004_resnet_v2.graph", 32, [], 3),
    ("resnet_v2_152_b32", "Graphs/seed004_resnet_v2.graph", 32, ["depth=152"], 2),
]
# What the issue sets: graphc median / ONNX Runtime median at most this.
TARGETS = {"resnet18_b1": 0.8, "resnet_v2_50_b1": 0.8}
DEFAULT_TARGET = 1.0


def ensure_venv():
    """Re-runs this script inside bench/.venv, creating it on first use."""
    if os.path.realpath(sys.prefix) == os.path.realpath(VENV):
        return
    python = os.path.join(VENV, "bin", "python")
    if not os.path.exists(python):
        print(f"compare: creating {VENV} with {' '.join(REQUIREMENTS)}", file=sys.stderr)
        subprocess.check_call([sys.executable, "-m", "venv", VENV])
        subprocess.check_call([python, "-m", "pip", "install", "-q"] + REQUIREMENTS)
    os.execv(python, [python] + sys.argv)


def ort_worker(args):
    """Times ONNX Runtime in this process and prints the figures as JSON."""
    import numpy as np
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(args.model, options, providers=["CPUExecutionProvider"])
    x = np.load(args.input)
    feed = {session.get_inputs()[0].name: x}
    start = time.perf_counter()
    output = session.run(None, feed)[0]
    first = time.perf_counter() - start
    for _ in range(args.warmup):
        session.run(None, feed)
    times = []
    for _ in range(args.iterations):
        start = time.perf_counter()
        session.run(None, feed)
        times.append(time.perf_counter() - start)
    if args.output:
        np.save(args.output, output)
    rss_mib = peak_rss_mib()
    print(json.dumps({"times": times, "first": first, "rss_mib": rss_mib, "version": ort.__version__}))


def peak_rss_mib():
    """This process's peak RSS: VmHWM, which starts afresh at exec (ru_maxrss inherits the
    parent's peak across fork and exec)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(cmd, **kw):
    result = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if result.returncode != 0:
        sys.exit(f"compare: {' '.join(cmd)} failed:\n{result.stderr}")
    return result.stdout


def graphc_bench(graphc, graph, weights, x, feed_name, defines, iterations, threads):
    out = run([graphc, "bench", graph, "--weights", weights, "--input", f"{feed_name}={x}", "--iterations", str(iterations),
               "--warmup", "2", "--threads", str(threads)] + defines)
    median = float(re.search(r"median ([0-9.]+) ms", out).group(1))
    p90 = float(re.search(r"p90 ([0-9.]+) ms", out).group(1))
    madds = float(re.search(r"compute +([0-9.]+) G multiply-adds", out).group(1))
    rss = float(re.search(r"peak RSS ([0-9.]+) MiB", out).group(1))
    first = re.search(r"first run +([0-9.]+) ms", out)
    return {"median": median, "p90": p90, "gmadds": madds, "rss_mib": rss, "first": float(first.group(1)) if first else None}


def ort_bench(model, x, iterations, threads, output=None):
    cmd = [sys.executable, os.path.abspath(__file__), "--ort-worker", "--model", model, "--input", x,
           "--iterations", str(iterations), "--warmup", "2", "--threads", str(threads)]
    if output:
        cmd += ["--output", output]
    r = json.loads(run(cmd))
    times = sorted(t * 1000 for t in r["times"])
    return {"median": statistics.median(times), "p90": times[min(len(times) - 1, int(0.9 * len(times)))],
            "rss_mib": r["rss_mib"], "first": r["first"] * 1000, "version": r["version"]}


def relative_error(a, b):
    import numpy as np
    return float(np.abs(a - b).max() / max(np.abs(b).max(), 1e-12))


def measure(graphc, net, rounds, threads, work):
    import numpy as np

    name, graph, batch, defs, iterations = net
    defines = sum((["-D", d] for d in defs), [])
    weights = os.path.join(work, f"{name}.safetensors")
    model = os.path.join(work, f"{name}.onnx")
    x = os.path.join(work, f"{name}.input.npy")
    run([graphc, "init", graph, "-o", weights] + defines)
    run([graphc, "export", graph, "--onnx", "--weights", weights, "--batch", str(batch), "-o", model] + defines)
    import onnxruntime as ort
    session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    inputs = session.get_inputs()
    if len(inputs) != 1:
        sys.exit(f"compare: {graph} has {len(inputs)} inputs; compare feeds one")
    feed_name = inputs[0].name
    dims = [batch if not isinstance(d, int) else d for d in inputs[0].shape]
    del session
    np.save(x, np.random.default_rng(0).uniform(0, 1, dims).astype(np.float32))

    # Agreement on this input: ONNX Runtime, graphc's default path and its exact (no-Winograd) path.
    ref = os.path.join(work, f"{name}.ort.npy")
    ort_bench(model, x, 1, threads, output=ref)
    outputs = {}
    for label, extra in [("default", []), ("exact", ["--no-winograd"])]:
        out = os.path.join(work, f"{name}.{label}.npy")
        run([graphc, "run", graph, "--weights", weights, "--input", f"{feed_name}={x}", "--output", out, "--threads", str(threads)] + extra + defines)
        outputs[label] = np.load(out)
    expected = np.load(ref)
    agreement = {
        "vs_ort": relative_error(outputs["default"].reshape(expected.shape), expected),
        "exact_vs_ort": relative_error(outputs["exact"].reshape(expected.shape), expected),
        "winograd_vs_exact": relative_error(outputs["default"], outputs["exact"]),
    }

    g_rounds, o_rounds = [], []
    for r in range(rounds):
        # Who goes first alternates, so neither always runs on a cache or a core the other warmed.
        if r % 2 == 0:
            g_rounds.append(graphc_bench(graphc, graph, weights, x, feed_name, defines, iterations, threads))
            o_rounds.append(ort_bench(model, x, iterations, threads))
        else:
            o_rounds.append(ort_bench(model, x, iterations, threads))
            g_rounds.append(graphc_bench(graphc, graph, weights, x, feed_name, defines, iterations, threads))
        print(f"  {name} round {r + 1}: graphc {g_rounds[-1]['median']:.2f} ms, ONNX Runtime {o_rounds[-1]['median']:.2f} ms", file=sys.stderr)

    def med(rows, key):
        values = [row[key] for row in rows if row[key] is not None]
        return statistics.median(values) if values else None

    g = {k: med(g_rounds, k) for k in ["median", "p90", "rss_mib", "first", "gmadds"]}
    o = {k: med(o_rounds, k) for k in ["median", "p90", "rss_mib", "first"]}
    # The first run against the steady state of the same process, round by round: across
    # rounds, a noisy round's first run would be set against a quiet round's median.
    for side, rows in [(g, g_rounds), (o, o_rounds)]:
        ratios = [row["first"] / row["median"] for row in rows if row["first"] is not None and row["median"]]
        side["first_ratio"] = statistics.median(ratios) if ratios else None
    return {"name": name, "graph": graph, "batch": batch, "defines": defs, "graphc": g, "ort": o, "agreement": agreement,
            "rounds": rounds, "iterations": iterations, "ort_version": o_rounds[0]["version"],
            "graphc_rounds": [row["median"] for row in g_rounds], "ort_rounds": [row["median"] for row in o_rounds]}


def cpu_description():
    model = "unknown CPU"
    flags = set()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name") and model == "unknown CPU":
                    model = line.split(":", 1)[1].strip()
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
    except OSError:
        pass
    isa = "AVX-512" if "avx512f" in flags else ("AVX2 + FMA" if "avx2" in flags and "fma" in flags else "no AVX2")
    return f"{model}, {os.cpu_count()} cores, {isa}"


def svg(results, path):
    """A horizontal bar per network: graphc median / ONNX Runtime median, the 1.0 line and each target."""
    width, left, bar, gap, top = 640, 170, 22, 10, 40
    scale_max = max(1.5, max(r["graphc"]["median"] / r["ort"]["median"] for r in results) * 1.1)
    height = top + len(results) * (bar + gap) + 40
    x = lambda v: left + (width - left - 20) * v / scale_max
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
             f'<text x="{width / 2}" y="20" text-anchor="middle" font-size="14">graphc time / ONNX Runtime time (lower is faster)</text>']
    for i, r in enumerate(results):
        ratio = r["graphc"]["median"] / r["ort"]["median"]
        target = TARGETS.get(r["name"], DEFAULT_TARGET)
        y = top + i * (bar + gap)
        colour = "#2a9d5c" if ratio <= target else "#d1495b"
        parts.append(f'<text x="{left - 8}" y="{y + bar * 0.7}" text-anchor="end">{r["name"]}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{x(ratio) - left:.1f}" height="{bar}" fill="{colour}"/>')
        parts.append(f'<text x="{x(ratio) + 4:.1f}" y="{y + bar * 0.7}">{ratio:.2f}</text>')
        parts.append(f'<line x1="{x(target):.1f}" x2="{x(target):.1f}" y1="{y - 2}" y2="{y + bar + 2}" stroke="black" stroke-dasharray="3,2"/>')
    axis_y = top + len(results) * (bar + gap)
    parts.append(f'<line x1="{x(1):.1f}" x2="{x(1):.1f}" y1="{top - 6}" y2="{axis_y}" stroke="#555"/>')
    parts.append(f'<text x="{x(1):.1f}" y="{axis_y + 16}" text-anchor="middle">1.0 (as fast as ONNX Runtime)</text>')
    parts.append(f'<text x="{left}" y="{axis_y + 32}" fill="#555">dashed: the target for the row</text>')
    parts.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(parts) + "\n")


def markdown(results, args, path):
    lines = ["# Performance", "",
             "graphc against ONNX Runtime on this repository's networks, measured side by side by",
             "`python3 bench/compare.py` (it writes this page). Both run the same weights (`graphc init`) and",
             "input; ONNX Runtime runs the model `graphc export --onnx` writes (CPU provider, all graph",
             f"optimizations, {args.threads} intra-op threads); graphc runs with `--threads {args.threads}`.",
             "Each round times graphc and ONNX Runtime (in a process of its own), taking turns at going",
             "first; a figure is the median over rounds of the per-round median (or p90). GFLOP/s count",
             "2 x the direct convolutions' multiply-adds for both, whatever algorithm runs. Peak RSS is",
             "each process's own. The first run is set against the median of its own process, round",
             "by round (the target: at most 1.5x).", "",
             f"Machine: {cpu_description()}; {platform.platform()}; ONNX Runtime {results[0]['ort_version']};",
             f"{results[0]['rounds']} rounds. Date: {time.strftime('%Y-%m-%d')}.", "",
             "![graphc time / ONNX Runtime time](performance.svg)", "",
             "| network | batch | graphc median ms | graphc p90 | ORT median ms | ORT p90 | graphc / ORT | target | graphc GFLOP/s | ORT GFLOP/s | graphc RSS MiB | ORT RSS MiB | first run / median, graphc / ORT |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        g, o = r["graphc"], r["ort"]
        ratio = g["median"] / o["median"]
        target = TARGETS.get(r["name"], DEFAULT_TARGET)
        gflops = lambda ms: 2 * g["gmadds"] / (ms / 1000)
        ratio_text = lambda side: f"{side['first_ratio']:.2f}x" if side.get("first_ratio") is not None else "-"
        first = f"{ratio_text(g)} / {ratio_text(o)}"
        lines.append(f"| {r['name']} (`{r['graph']}`{' -D ' + ' '.join(r['defines']) if r['defines'] else ''}) | {r['batch']} | "
                     f"{g['median']:.2f} | {g['p90']:.2f} | {o['median']:.2f} | {o['p90']:.2f} | **{ratio:.2f}** "
                     f"{'✓' if ratio <= target else '✗'} | ≤ {target} | {gflops(g['median']):.1f} | {gflops(o['median']):.1f} | "
                     f"{g['rss_mib']:.0f} | {o['rss_mib']:.0f} | {first} |")
    lines += ["", "Outputs on the timed input (largest difference / largest value of the second):", "",
              "| network | graphc vs ORT | graphc --no-winograd vs ORT | graphc vs graphc --no-winograd |", "|---|---|---|---|"]
    for r in results:
        a = r["agreement"]
        lines.append(f"| {r['name']} | {a['vs_ort']:.1e} | {a['exact_vs_ort']:.1e} | {a['winograd_vs_exact']:.1e} |")
    lines += ["", "Per-round medians (ms), graphc then ONNX Runtime:", ""]
    for r in results:
        lines.append(f"- {r['name']}: " + ", ".join(f"{a:.1f}/{b:.1f}" for a, b in zip(r["graphc_rounds"], r["ort_rounds"])))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ort-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--model", help=argparse.SUPPRESS)
    parser.add_argument("--input", help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    parser.add_argument("--iterations", type=int, default=20, help=argparse.SUPPRESS)
    parser.add_argument("--warmup", type=int, default=2, help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, default=2, help="threads for both (default 2)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per network (default 3)")
    parser.add_argument("--quick", action="store_true", help="batch-1 rows only, 2 rounds")
    parser.add_argument("--only", action="append", help="a row by name (repeatable)")
    parser.add_argument("--graphc", help="the graphc binary (default: build .build/release/graphc)")
    parser.add_argument("--markdown", default=os.path.join(ROOT, "Docs", "Performance.md"))
    parser.add_argument("--json", help="also write the figures as JSON here")
    parser.add_argument("--keep", action="store_true", help="keep the weights, models and inputs (the folder is printed)")
    args = parser.parse_args()
    if args.ort_worker:
        return ort_worker(args)
    ensure_venv()
    graphc = args.graphc
    if not graphc:
        subprocess.check_call(["swift", "build", "-c", "release", "--product", "graphc"], cwd=ROOT)
        graphc = os.path.join(ROOT, ".build", "release", "graphc")
    networks = NETWORKS
    if args.quick:
        networks = [n for n in networks if n[2] == 1]
        args.rounds = min(args.rounds, 2)
    if args.only:
        networks = [n for n in networks if n[0] in args.only]
    os.chdir(ROOT)
    results = []
    work = tempfile.mkdtemp(prefix="graphc-compare-")
    try:
        for net in networks:
            print(f"compare: {net[0]}", file=sys.stderr)
            results.append(measure(graphc, net, args.rounds, args.threads, work))
    finally:
        if not args.keep:
            shutil.rmtree(work)
    markdown(results, args, args.markdown)
    svg(results, os.path.join(os.path.dirname(args.markdown), "performance.svg"))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    failed = False
    for r in results:
        ratio = r["graphc"]["median"] / r["ort"]["median"]
        target = TARGETS.get(r["name"], DEFAULT_TARGET)
        ok = ratio <= target and r["agreement"]["vs_ort"] <= 1e-4 and r["graphc"]["rss_mib"] < r["ort"]["rss_mib"]
        failed |= not ok
        print(f"{r['name']:>20}: graphc {r['graphc']['median']:8.2f} ms  ORT {r['ort']['median']:8.2f} ms  ratio {ratio:.2f} "
              f"(target {target})  RSS {r['graphc']['rss_mib']:.0f}/{r['ort']['rss_mib']:.0f} MiB  "
              f"agreement {r['agreement']['vs_ort']:.1e}  {'ok' if ok else 'MISSED'}")
    print(f"wrote {args.markdown}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main() or 0)
