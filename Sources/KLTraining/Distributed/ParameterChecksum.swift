import KLTensor
import KLTransformer

/// A 64-bit FNV-1a hash of the bits of a model's parameters and buffers (its feature draws), in
/// their order: ranks of a data-parallel run apply the same update to the same values, so their
/// checksums agree bit for bit unless they have diverged.
public enum ParameterChecksum {
    /// The checksum of `model`'s parameters and buffers.
    public static func of(_ model: SequenceClassifier) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for tensor in model.parameters.map(\.tensor) + model.buffers.map(\.tensor) {
            tensor.withUnsafeBufferPointer { values in
                for value in values {
                    hash = (hash ^ UInt64(value.bitPattern)) &* 0x0000_0100_0000_01B3
                }
            }
        }
        return hash
    }

    /// Throws `TrainingError.ranksDiverged` naming `step` and the ranks whose checksum differs from
    /// rank 0's when the ranks of `group` do not hold the same model.
    public static func verify(_ model: SequenceClassifier, in group: ProcessGroup, step: Int) throws {
        guard group.isDistributed else { return }
        let checksums = try group.allGather(of(model))
        let differing = checksums.indices.filter { checksums[$0] != checksums[0] }
        guard differing.isEmpty else { throw TrainingError.ranksDiverged(step: step, ranks: differing) }
    }
}
