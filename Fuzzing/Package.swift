// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for every reader of untrusted bytes in KLTransformer, kept in their own package
// so that `swift build` and `swift test` at the root never see them. Build and run them with
// `scripts/fuzz.sh` (it passes the sanitizer flags; this manifest alone builds without them).

/// The root package's identity: SwiftPM names a path dependency after its folder, whatever the
/// checkout is called.
let root = String(Context.packageDirectory.split(separator: "/").dropLast().last ?? "KLTransformer")

let package = Package(
    name: "KLTransformerFuzzing",
    platforms: [.macOS(.v13)],
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(name: "klt-fuzz", dependencies: [
            .product(name: "KLTensor", package: root),
            .product(name: "KLTasks", package: root),
            .product(name: "KLTraining", package: root),
            .product(name: "KLTransformer", package: root),
            .product(name: "KLExperiments", package: root),
        ]),
    ]
)
