#!/usr/bin/env bash
# Installs what graphc needs on a fresh Debian machine and is a no-op when it is there:
# OpenBLAS (libopenblas-dev, for the backend's GEMM), pkg-config (SwiftPM finds OpenBLAS with it),
# and the image codecs `graphc run --image` decodes with (libturbojpeg0-dev, libpng-dev).
set -euo pipefail

missing=()
dpkg -s libopenblas-dev >/dev/null 2>&1 || missing+=(libopenblas-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
dpkg -s libturbojpeg0-dev >/dev/null 2>&1 || missing+=(libturbojpeg0-dev)
dpkg -s libpng-dev >/dev/null 2>&1 || missing+=(libpng-dev)

if [ ${#missing[@]} -gt 0 ]; then
    echo "bootstrap: installing ${missing[*]}" >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

command -v swift >/dev/null 2>&1 || { echo "bootstrap: swift is not on PATH (Swift 6.x is needed)" >&2; exit 1; }
