import KLTensor

/// One line naming the compute backend, printed by `klt info` and at the start of training.
enum BackendDescription {
    static var line: String {
        "backend: \(ComputeBackend.current) · vector math \(VectorMath.instructionSet) · \(Parallel.threadCount) threads"
    }
}
