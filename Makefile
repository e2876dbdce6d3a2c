# The README's two commands: `make quickstart` and `make test`.
SWIFT ?= swift
GRAPH ?= Graphs/resnet18.graph

.PHONY: quickstart build test clean

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

clean:
	rm -rf .build
