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
        .library(name: "KLTensorBoard", targets: ["KLTensorBoard"]),
        .library(name: "KLExperiments", targets: ["KLExperiments"]),
        .library(name: "KLCharts", targets: ["KLCharts"]),
        .executable(name: "klt", targets: ["klt"]),
        .executable(name: "klt-bench", targets: ["klt-bench"]),
    ],
    dependencies: [
        // The `klt` command's argument parsing, help and error messages.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Sweep files are TOML (comments, readable lists); TOMLKit wraps toml++, a complete TOML 1.0 parser.
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        // SHA-256 of downloaded data archives (swift-crypto: BoringSSL's code on Linux, CryptoKit on Apple platforms).
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
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
        // The system zlib: inflate for gzip'd IDX files and PNG image data, deflate for the PNGs we
        // write, CRC-32 for PNG chunks (zlib1g-dev on Debian; part of the macOS SDK).
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
        .target(name: "KLTasks", dependencies: ["KLTensor", "CZlib", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "KLTensorBoard"),
        // SVG charts (learning curves, log-log efficiency plots, histograms, scatters) for reports; Foundation only.
        .target(name: "KLCharts"),
        .target(name: "KLTraining", dependencies: ["CKLKernels", "KLTensor", "KLTransformer", "KLTasks", "KLTensorBoard"]),
        // Sweeps (grids of ordinary runs in folders) and the reports read back from run folders.
        .target(name: "KLExperiments", dependencies: [
            "KLTraining", "KLTasks", "KLCharts", .product(name: "TOMLKit", package: "TOMLKit"),
        ]),
        .executableTarget(name: "klt", dependencies: [
            "KLTensor", "KLTransformer", "KLTasks", "KLTraining", "KLExperiments",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "klt-bench", dependencies: ["KLTensor", "KLTransformer", "KLTasks", "KLTraining", "KLExperiments"]),
        // Shared test helpers (finite-difference gradient checks, deterministic data); not a product.
        .target(name: "KLTestSupport", dependencies: ["KLTensor"]),
        .testTarget(name: "KLTensorTests", dependencies: ["KLTensor", "KLTestSupport"]),
        .testTarget(name: "KLTransformerTests", dependencies: ["KLTransformer", "KLTensor", "KLTestSupport"]),
        .testTarget(name: "KLTasksTests", dependencies: [
            "KLTasks", "KLTensor", "KLTestSupport", .product(name: "Crypto", package: "swift-crypto"),
        ], resources: [.copy("Fixtures")]),
        // CheckpointFixtures: checkpoints written by earlier versions, read by path (CommittedCheckpointTests).
        .testTarget(name: "KLTrainingTests", dependencies: ["KLTraining", "KLTransformer", "KLTasks", "KLTensor", "KLTestSupport"],
                    exclude: ["CheckpointFixtures"]),
        .testTarget(name: "KLExperimentsTests", dependencies: ["KLExperiments", "KLTraining", "KLTestSupport"]),
        .testTarget(name: "KLTensorBoardTests", dependencies: ["KLTensorBoard"]),
        .testTarget(name: "KLChartsTests", dependencies: ["KLCharts"]),
        .testTarget(name: "kltTests", dependencies: ["klt", "KLExperiments"]),
    ]
)
