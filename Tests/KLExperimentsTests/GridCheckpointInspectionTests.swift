import Foundation
import KLTensor
@testable import KLTraining
import KLTransformer
import Testing
@testable import KLExperiments

/// `klt inspect` on a checkpoint of a COMPONENT+SOURCE kernel says that the grid is not inspected,
/// instead of calling a known kernel unknown.
@Suite struct GridCheckpointInspectionTests {
    @Test func gridCheckpointsAreDeclinedByName() throws {
        let configuration = EncoderConfiguration.preset(.tiny, vocabularySize: 12, maxLength: 16, classes: 3, kernel: "oprf+gmm")
        let model = try SequenceClassifier(configuration: configuration, seed: 1)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("klt-grid-inspect-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("best.safetensors")
        let settings = TrainingSettings(steps: 1, batchSize: 1, schedule: .constant(1e-3), evaluationInterval: 1, seed: 1)
        let state = TrainingState(step: 1, bestValidationAccuracy: 0.5, bestStep: 1, dropoutGenerator: RandomGenerator(seed: 1),
                                  featureRandomness: model.featureMaps.map(\.randomness), settings: settings)
        try Checkpoint.save(model: model, optimizer: nil, state: state, to: url)
        #expect {
            _ = try InspectedCheckpoint(url: url)
        } throws: { error in
            guard case KernelInspectionError.nothingToInspect(_, let kernel, let reason) = error else { return false }
            return kernel == "oprf+gmm" && reason.contains("not inspected yet")
        }
    }
}
