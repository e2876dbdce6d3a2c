#!/usr/bin/env bash
# Side-by-side A/B of two graphc binaries on one graph: alternates them for ROUNDS rounds and
# prints each round's median and the median of the medians, so a shared, noisy machine
# affects both alike.
#   bench/ab.sh OLD_BINARY NEW_BINARY GRAPH WEIGHTS [ROUNDS] [extra bench flags...]
set -euo pipefail
old=$1 new=$2 graph=$3 weights=$4 rounds=${5:-3}
shift $(( $# < 5 ? $# : 5 ))
declare -a a b
for ((i = 0; i < rounds; i++)); do
    for side in old new; do
        bin=${!side}
        ms=$("$bin" bench "$graph" --weights "$weights" --batch 1 --iterations 20 --warmup 3 --threads 2 "$@" 2>/dev/null |
             sed -n 's/.*median \([0-9.]*\) ms.*/\1/p')
        if [ $side = old ]; then a+=("$ms"); else b+=("$ms"); fi
    done
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
echo "old rounds: ${a[*]}  median $(median "${a[@]}") ms"
echo "new rounds: ${b[*]}  median $(median "${b[@]}") ms"
