/// Tensors of random values drawn from an explicit, seeded `RandomGenerator`.
extension Tensor {
    /// Independent N(mean, standardDeviation²) values.
    public static func randomNormal(_ shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
                                    generator: inout RandomGenerator, requiresGrad: Bool = false) -> Tensor {
        let result = Tensor(shape: shape, storage: TensorStorage(uninitializedCount: Shape.count(shape)), requiresGrad: requiresGrad)
        generator.fillNormal(result.storage.buffer, mean: mean, standardDeviation: standardDeviation)
        return result
    }

    /// Independent uniform values in [low, high).
    public static func randomUniform(_ shape: [Int], low: Float = 0, high: Float = 1,
                                     generator: inout RandomGenerator, requiresGrad: Bool = false) -> Tensor {
        let result = Tensor(shape: shape, storage: TensorStorage(uninitializedCount: Shape.count(shape)), requiresGrad: requiresGrad)
        generator.fillUniform(result.storage.buffer, low: low, high: high)
        return result
    }

    /// Independent ±1 values with equal probability.
    public static func randomRademacher(_ shape: [Int], generator: inout RandomGenerator) -> Tensor {
        let result = Tensor(shape: shape, storage: TensorStorage(uninitializedCount: Shape.count(shape)))
        generator.fillRademacher(result.storage.buffer)
        return result
    }
}
