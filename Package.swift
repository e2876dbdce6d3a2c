// swift-tools-version:6.0
import PackageDescription

// Dependencies point one way, down the pipeline:
// GraphcDiagnostics <- GraphcIR <- GraphcFrontend, GraphcPasses <- GraphcRuntime (+ COpenBLAS) <- graphc (CLI).
let package = Package(
    name: "graphc",
    products: [
        .executable(name: "graphc", targets: ["graphc"]),
        .library(name: "GraphcFrontend", targets: ["GraphcFrontend"]),
        .library(name: "GraphcIR", targets: ["GraphcIR"]),
        .library(name: "GraphcPasses", targets: ["GraphcPasses"]),
        .library(name: "GraphcRuntime", targets: ["GraphcRuntime"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .target(name: "GraphcDiagnostics"),
        .target(name: "GraphcIR", dependencies: ["GraphcDiagnostics"]),
        .target(name: "GraphcFrontend", dependencies: ["GraphcDiagnostics", "GraphcIR"]),
        .target(name: "GraphcPasses", dependencies: ["GraphcDiagnostics", "GraphcIR"]),
        // OpenBLAS from Debian's libopenblas-dev; only the runtime's GEMM file will import it.
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .target(
            name: "GraphcRuntime",
            dependencies: ["GraphcIR", "GraphcPasses", "COpenBLAS"],
            // Kernels share raw pointers across threads by design; they are checked by tests
            // against the reference kernels, not by the concurrency checker. Optimized even in
            // debug builds so whole-network tests stay fast (checks on arithmetic stay on).
            swiftSettings: [.swiftLanguageMode(.v5), .unsafeFlags(["-O"])]
        ),
        .executableTarget(
            name: "graphc",
            dependencies: [
                "GraphcDiagnostics", "GraphcIR", "GraphcFrontend", "GraphcPasses", "GraphcRuntime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "GraphcIRTests", dependencies: ["GraphcIR"]),
        .testTarget(
            name: "GraphcFrontendTests",
            dependencies: ["GraphcFrontend", "GraphcIR", "GraphcDiagnostics"],
            resources: [.copy("Inputs")]
        ),
        .testTarget(name: "GraphcPassesTests", dependencies: ["GraphcPasses", "GraphcIR", "GraphcFrontend"]),
        .testTarget(name: "GraphcRuntimeTests", dependencies: ["GraphcRuntime", "GraphcPasses", "GraphcIR", "GraphcFrontend"]),
        .testTarget(name: "GraphcCLITests", dependencies: ["graphc"]),
    ]
)
