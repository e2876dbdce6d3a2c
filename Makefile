# The README's two commands: `make quickstart` and `make test`.
SWIFT ?= swift
GRAPH ?= Graphs/resnet18.graph

.PHONY: quickstart build test test-asan test-tsan fuzz clean

## Installs what is missing, builds in release and shows the bundled ResNet-18's block shapes.
quickstart: build
	.build/release/graphc shapes $(GRAPH) --depth 2

build:
	bash tools/bootstrap.sh
	$(SWIFT) build -c release

## Runs the whole test suite.
test:
	bash tools/bootstrap.sh
	$(SWIFT) test

## The test suite under AddressSanitizer (Swift's own overflow and bounds checks are on in
## debug builds; Swift on Linux has no UndefinedBehaviorSanitizer), in its own build folder.
test-asan:
	bash tools/bootstrap.sh
	ASAN_OPTIONS=detect_leaks=0 $(SWIFT) test --sanitize=address --scratch-path .build-asan

## The threaded kernels and concurrent inference under ThreadSanitizer.
test-tsan:
	bash tools/bootstrap.sh
	$(SWIFT) test --sanitize=thread --scratch-path .build-tsan --filter 'KernelTests|ConcurrencyTests|FrameworkFixtureTests|WorkerPoolTests|PanelGEMMTests|WinogradTests'

## Each libFuzzer target for FUZZ_SECONDS (default 60): tools/fuzz.sh.
FUZZ_SECONDS ?= 60
fuzz:
	bash tools/fuzz.sh all $(FUZZ_SECONDS)

clean:
	rm -rf .build
