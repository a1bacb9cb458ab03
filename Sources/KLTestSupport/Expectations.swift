import KLTensor
import Testing

/// Records a test issue for every gradient-check disagreement (see `gradientCheckFailures`).
public func checkGradients(_ inputs: [Tensor], step: Float = 1e-2, absolute: Float = 2e-3, relative: Float = 2e-2,
                           samples: Int = 24, seed: UInt64 = 99,
                           sourceLocation: SourceLocation = #_sourceLocation, _ f: ([Tensor]) -> Tensor) {
    for failure in gradientCheckFailures(inputs, step: step, absolute: absolute, relative: relative, samples: samples,
                                         seed: seed, f) {
        Issue.record(Comment(rawValue: failure), sourceLocation: sourceLocation)
    }
}

/// Records a test issue when two arrays differ by more than `tolerance` (absolute + relative).
public func expectClose(_ actual: [Float], _ expected: [Float], tolerance: Float = 1e-5,
                        sourceLocation: SourceLocation = #_sourceLocation) {
    if let mismatch = firstMismatch(actual, expected, tolerance: tolerance) {
        Issue.record(Comment(rawValue: mismatch), sourceLocation: sourceLocation)
    }
}
