#!/usr/bin/env bash
# Runs libFuzzer on one of graphc's readers (or all of them) for SECONDS each:
#   tools/fuzz.sh graph|safetensors|npy|plan|all SECONDS [extra libFuzzer flags...]
# Builds graphc-fuzz with -sanitize=fuzzer and address sanitizing in .build-fuzz, starts from
# the committed seed corpus (Tests/Fuzz/corpus/TARGET) and its dictionary, keeps what it
# learns in .build-fuzz/corpus/TARGET, and writes crashes to .build-fuzz/crashes/. Every
# crash found becomes a regression test: add the input to Tests/Fuzz/regressions/TARGET.
# Prints one line per target: executions, new corpus size, and whether it found a crash.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: tools/fuzz.sh graph|safetensors|npy|plan|all SECONDS}
seconds=${2:?usage: tools/fuzz.sh TARGET SECONDS}
shift 2
bash tools/bootstrap.sh
swift build -c release --product graphc-fuzz --scratch-path .build-fuzz \
    --sanitize=fuzzer --sanitize=address -Xswiftc -DFUZZING \
    -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table >&2
binary=.build-fuzz/release/graphc-fuzz
targets=("$target")
[ "$target" = all ] && targets=(graph safetensors npy plan)
for t in "${targets[@]}"; do
    [ -d Tests/Fuzz/corpus/"$t" ] || { echo "fuzz: no target '$t' (graph, safetensors, npy, plan or all)" >&2; exit 2; }
done
status=0
# The graph target evaluates on the main thread: room for the language's deepest nesting.
if ! ulimit -s 1048576 2>/dev/null && ! ulimit -s unlimited 2>/dev/null; then
    echo "fuzz: warning: cannot raise the stack limit ($(ulimit -s) KiB): deep graph inputs may overflow it" >&2
fi
for t in "${targets[@]}"; do
    corpus=.build-fuzz/corpus/$t
    mkdir -p "$corpus" .build-fuzz/crashes
    cp -n Tests/Fuzz/corpus/"$t"/* "$corpus"/ 2>/dev/null || true
    log=.build-fuzz/$t.log
    set +e
    GRAPHC_FUZZ_TARGET=$t "$binary" "$corpus" -max_total_time="$seconds" -dict=Tests/Fuzz/"$t".dict \
        -max_len=65536 -rss_limit_mb=4096 -timeout=20 -print_final_stats=1 -print_funcs=0 -detect_leaks=0 \
        -artifact_prefix=.build-fuzz/crashes/"$t"- "$@" > "$log" 2>&1
    code=$?
    set -e
    runs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}' || true)
    if [ "$code" -eq 0 ]; then verdict="no crash"; else verdict="CRASH (exit $code, see $log)"; status=1; fi
    echo "fuzz $t: ${runs:-?} executions in ${seconds}s, corpus $(ls "$corpus" | wc -l) inputs, $verdict"
done
exit $status
