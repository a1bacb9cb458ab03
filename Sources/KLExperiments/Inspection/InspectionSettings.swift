/// How thoroughly `KernelInspection` measures; every draw it makes comes from `seed`.
public struct InspectionSettings: Sendable, Equatable {
    /// The frequency counts M of the approximation error (the model's own M is added).
    public var frequencies: [Int]
    /// Independent redraws averaged at each M.
    public var redraws: Int
    /// Query/key positions per layer taken from the batches (whole sequences, in order).
    public var tokenBudget: Int
    /// Frequencies of a Monte-Carlo K_exact and of Monte-Carlo kernel profiles, where there is no closed form.
    public var monteCarloFrequencies: Int
    /// Noise samples for a generator's ω histogram and scatter.
    public var generatorSamples: Int
    /// Distances per kernel-profile path.
    public var profilePoints: Int
    /// The seed of every draw (directions, frequencies, noise).
    public var seed: UInt64

    /// Settings; the defaults measure M = 8 … 1024 with 4 redraws on up to 512 positions per layer.
    public init(frequencies: [Int] = [8, 16, 32, 64, 128, 256, 512, 1024], redraws: Int = 4, tokenBudget: Int = 512,
                monteCarloFrequencies: Int = 8192, generatorSamples: Int = 2048, profilePoints: Int = 41, seed: UInt64 = 1) {
        self.frequencies = frequencies
        self.redraws = redraws
        self.tokenBudget = tokenBudget
        self.monteCarloFrequencies = monteCarloFrequencies
        self.generatorSamples = generatorSamples
        self.profilePoints = profilePoints
        self.seed = seed
    }
}
