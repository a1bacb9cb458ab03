import KLTensor

/// A frequency source whose ω is a function of learned parameters (the paper's FastFoodL and
/// generator, spec random-features.md §3.10 and §4.2), so that training changes the kernel itself.
///
/// The source only describes the family; each feature map owns one `LearnedFrequencyModel` made by
/// `makeModel`, with the parameters the optimiser trains, the random part (Π, ε) the map redraws on
/// its schedule, and ω rebuilt from both at every attention call so gradients reach the parameters.
public protocol LearnedFrequencySource: FrequencySource {
    /// A model of `count` learned frequencies of dimension `dimension`, its parameters initialised
    /// from `generator` (the random part is drawn by the map's first `redraw`).
    func makeModel(count: Int, dimension: Int, generator: inout RandomGenerator) -> any LearnedFrequencyModel
    /// Whether the model has parameters to train; false for a source built this way that learns
    /// nothing (FastFood-random: every diagonal drawn), whose kernel is then fixed.
    var learnsParameters: Bool { get }
}

extension LearnedFrequencySource {
    /// Learned sources learn, unless one says otherwise.
    public var learnsParameters: Bool { true }
}

/// The learned frequencies of one feature map: parameters, the random draw they are combined with,
/// and ω as a differentiable tensor.
public protocol LearnedFrequencyModel: AnyObject {
    /// The tensors the optimiser trains.
    var parameters: [NamedParameter] { get }
    /// The current random draw and running statistics, saved in checkpoints.
    var buffers: [NamedParameter] { get }
    /// Draws the random part again from `generator`.
    func redraw(generator: inout RandomGenerator)
    /// The frequencies ω (d, M), one per column, as a function of the parameters; `training` selects
    /// batch or running statistics where the model normalises.
    func omega(training: Bool) -> Tensor
}

extension LearnedFrequencySource {
    /// The frequencies of a freshly initialised model drawn from `generator` (what training starts from).
    public func frequencies(count: Int, dimension: Int, generator: inout RandomGenerator) -> [Float] {
        let model = makeModel(count: count, dimension: dimension, generator: &generator)
        model.redraw(generator: &generator)
        return withoutGradients { model.omega(training: false).transposed(0, 1).scalars }
    }
}
