import Foundation
import KLTasks

extension FuzzTarget {
    /// CIFAR-10 binary batch bytes → grey, tokenised examples (`CIFAR10.examples(fromBatch:path:)`).
    static let cifar10 = FuzzTarget(
        name: "cifar10", summary: "CIFAR-10 batch bytes → examples (CIFAR10)", maximumLength: 3 * CIFAR10.recordSize,
        fixtures: ["Tests/KLTasksTests/Fixtures/images/cifar-10-batches-bin/test_batch.bin"],
        seeds: { [[9] + (0..<(CIFAR10.recordSize - 1)).map { UInt8($0 % 251) }] },
        read: { bytes in _ = try CIFAR10.examples(fromBatch: Data(bytes), path: "fuzz_batch.bin") })
}
