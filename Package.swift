// swift-tools-version:6.0
import PackageDescription

// Dependencies point one way, down the pipeline (Docs/Architecture.md):
// GraphcDiagnostics <- GraphcIR <- GraphcFrontend, GraphcFormats, GraphcPasses
// GraphcPasses, GraphcFormats <- GraphcCompiler (the one compile entry point, .gplan files)
// GraphcIR (+ COpenBLAS) <- GraphcRuntime (executes compiled models; never sees the optimizer)
// GraphcIR (+ SwiftProtobuf) <- GraphcONNX (ONNX models: generated onnx.pb.swift, import, export)
// GraphcIR, GraphcFormats (+ CImageCodecs) <- GraphcImages (JPEG and PNG in, preprocessing presets)
// everything <- graphc (the command line)
let package = Package(
    name: "graphc",
    products: [
        .executable(name: "graphc", targets: ["graphc"]),
        .library(name: "GraphcFrontend", targets: ["GraphcFrontend"]),
        .library(name: "GraphcIR", targets: ["GraphcIR"]),
        .library(name: "GraphcPasses", targets: ["GraphcPasses"]),
        .library(name: "GraphcFormats", targets: ["GraphcFormats"]),
        .library(name: "GraphcCompiler", targets: ["GraphcCompiler"]),
        .library(name: "GraphcRuntime", targets: ["GraphcRuntime"]),
        .library(name: "GraphcONNX", targets: ["GraphcONNX"]),
        .library(name: "GraphcImages", targets: ["GraphcImages"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        .target(name: "GraphcDiagnostics"),
        .target(name: "GraphcIR", dependencies: ["GraphcDiagnostics"]),
        .target(name: "GraphcFrontend", dependencies: ["GraphcDiagnostics", "GraphcIR"]),
        .target(name: "GraphcFormats", dependencies: ["GraphcIR"]),
        .target(name: "GraphcPasses", dependencies: ["GraphcDiagnostics", "GraphcIR"]),
        .target(name: "GraphcCompiler", dependencies: ["GraphcIR", "GraphcPasses", "GraphcFormats"]),
        // ONNX's protobuf messages are generated once and committed (tools/generate-onnx-proto.sh):
        // building swift-protobuf's code generator takes minutes, its runtime library seconds.
        .target(
            name: "GraphcONNX",
            dependencies: ["GraphcIR", .product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        // OpenBLAS from Debian's libopenblas-dev; only the runtime's GEMM file will import it.
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // JPEG and PNG decoding from Debian's libturbojpeg0-dev and libpng-dev (tools/bootstrap.sh).
        .systemLibrary(
            name: "CImageCodecs",
            providers: [.apt(["libturbojpeg0-dev", "libpng-dev"])]
        ),
        .target(name: "GraphcImages", dependencies: ["GraphcIR", "GraphcFormats", "CImageCodecs"]),
        // A C header whose inline functions let the GEMM prefetch weights and ask what the CPU has.
        .target(name: "CKernelSupport"),
        .target(
            name: "GraphcRuntime",
            dependencies: ["GraphcIR", "COpenBLAS", "CKernelSupport"],
            // Kernels share raw pointers across threads by design; they are checked by tests
            // against the reference kernels, not by the concurrency checker. Optimized even in
            // debug builds so whole-network tests stay fast (checks on arithmetic stay on).
            // Built for the host CPU: without -target-cpu, Swift's x86-64 target is SSE2 and
            // SIMD16.addingProduct becomes 16 calls of libm's fmaf (100x slower GEMM). A binary
            // is for the machine that built it, as `make` builds it; never a fixed AVX-512 target.
            swiftSettings: [.swiftLanguageMode(.v5), .unsafeFlags(["-O", "-target-cpu", "native"])]
        ),
        .executableTarget(
            name: "graphc",
            dependencies: [
                "GraphcDiagnostics", "GraphcIR", "GraphcFrontend", "GraphcFormats", "GraphcPasses", "GraphcCompiler", "GraphcRuntime",
                "GraphcONNX", "GraphcImages",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // libFuzzer targets for what graphc reads (tools/fuzz.sh builds it with -sanitize=fuzzer
        // and -DFUZZING); an ordinary build replays files through the same targets.
        .executableTarget(
            name: "graphc-fuzz",
            dependencies: ["GraphcCompiler", "GraphcFormats", "GraphcFrontend", "GraphcIR", "GraphcRuntime"]
        ),
        // Test helpers (repository paths, seeded tensors, approximate comparison, snapshots);
        // IR only, so pass tests link neither the front end nor the runtime.
        .target(name: "GraphcTestSupport", dependencies: ["GraphcIR"]),
        .testTarget(name: "GraphcIRTests", dependencies: ["GraphcIR", "GraphcTestSupport"]),
        .testTarget(
            name: "GraphcFrontendTests",
            dependencies: ["GraphcFrontend", "GraphcIR", "GraphcDiagnostics", "GraphcTestSupport"],
            resources: [.copy("Inputs")]
        ),
        .testTarget(name: "GraphcPassesTests", dependencies: ["GraphcPasses", "GraphcIR", "GraphcTestSupport"]),
        .testTarget(name: "GraphcCompilerTests", dependencies: ["GraphcCompiler", "GraphcPasses", "GraphcFrontend", "GraphcIR", "GraphcTestSupport"]),
        .testTarget(
            name: "GraphcRuntimeTests",
            dependencies: ["GraphcRuntime", "GraphcCompiler", "GraphcFormats", "GraphcPasses", "GraphcIR", "GraphcFrontend", "GraphcTestSupport"]
        ),
        .testTarget(
            name: "GraphcONNXTests",
            dependencies: ["GraphcONNX", "GraphcFrontend", "GraphcIR", "GraphcCompiler", "GraphcRuntime", "GraphcFormats", "GraphcTestSupport",
                           .product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        .testTarget(name: "GraphcImagesTests", dependencies: ["GraphcImages", "GraphcIR", "GraphcFormats", "GraphcTestSupport"]),
        .testTarget(name: "GraphcCLITests", dependencies: ["graphc", "GraphcFormats", "GraphcTestSupport"]),
    ]
)
