#!/usr/bin/env bash
# Regenerates Sources/GraphcONNX/Generated/onnx.pb.swift from ONNX's onnx.proto. The generated
# file is committed, so neither builds nor CI need this: building swift-protobuf's
# protoc-gen-swift takes minutes. Needs protoc (Debian's protobuf-compiler) and pip.
#   tools/generate-onnx-proto.sh [ONNX_VERSION]   (default 1.23.2, what the committed file was made from)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
version=${1:-1.23.2}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

command -v protoc >/dev/null || { echo "generate-onnx-proto: install protoc (apt-get install protobuf-compiler)" >&2; exit 1; }
# onnx.proto as the onnx wheel ships it.
python3 -m pip download -q --no-deps --only-binary=:all: -d "$work" "onnx==$version"
python3 -m zipfile -e "$work"/onnx-*.whl "$work/wheel"
cp "$work/wheel/onnx/onnx.proto" "$work/onnx.proto"
# protoc-gen-swift at the swift-protobuf version Package.swift resolves.
protobuf=$(swift package --package-path "$root" show-dependencies --format json |
           python3 -c 'import json,sys; d=json.load(sys.stdin); print(next(x["version"] for x in d["dependencies"] if x["identity"]=="swift-protobuf"))')
git clone -q --depth 1 --branch "$protobuf" https://github.com/apple/swift-protobuf "$work/swift-protobuf"
swift build -c release --package-path "$work/swift-protobuf" --product protoc-gen-swift
protoc --plugin="$work/swift-protobuf/.build/release/protoc-gen-swift" --swift_out="$work" -I "$work" "$work/onnx.proto"
cp "$work/onnx.pb.swift" "$root/Sources/GraphcONNX/Generated/onnx.pb.swift"
echo "wrote Sources/GraphcONNX/Generated/onnx.pb.swift from onnx $version's onnx.proto (swift-protobuf $protobuf)"
