// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "KLTransformer",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "KLTensor", targets: ["KLTensor"]),
        .library(name: "KLTransformer", targets: ["KLTransformer"]),
        .library(name: "KLTasks", targets: ["KLTasks"]),
        .library(name: "KLTraining", targets: ["KLTraining"]),
        .executable(name: "klt", targets: ["klt"]),
        .executable(name: "klt-bench", targets: ["klt-bench"]),
    ],
    dependencies: [
        // The `klt` command's argument parsing, help and error messages.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // C kernels compiled by the Swift toolchain's own clang: the OpenBLAS loader (dlopen, so the
        // right CPU kernel can be forced before the library initialises) and vectorised math with
        // run-time ISA dispatch (AVX-512 / AVX2 / portable), which needs no build flags.
        .target(
            name: "CKLKernels",
            linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux])), .linkedLibrary("m", .when(platforms: [.linux]))]
        ),
        .target(name: "KLTensor", dependencies: ["CKLKernels"]),
        .target(name: "KLTransformer", dependencies: ["KLTensor"]),
        .target(name: "KLTasks", dependencies: ["KLTensor"]),
        .target(name: "KLTraining", dependencies: ["KLTensor", "KLTransformer", "KLTasks"]),
        .executableTarget(name: "klt", dependencies: [
            "KLTensor", "KLTransformer", "KLTasks", "KLTraining",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "klt-bench", dependencies: ["KLTensor", "KLTransformer", "KLTasks", "KLTraining"]),
        // Shared test helpers (finite-difference gradient checks, deterministic data); not a product.
        .target(name: "KLTestSupport", dependencies: ["KLTensor"]),
        .testTarget(name: "KLTensorTests", dependencies: ["KLTensor", "KLTestSupport"]),
        .testTarget(name: "KLTransformerTests", dependencies: ["KLTransformer", "KLTensor", "KLTestSupport"]),
        .testTarget(name: "KLTasksTests", dependencies: ["KLTasks", "KLTensor", "KLTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "KLTrainingTests", dependencies: ["KLTraining", "KLTransformer", "KLTasks", "KLTensor", "KLTestSupport"]),
        .testTarget(name: "kltTests", dependencies: ["klt"]),
    ]
)
