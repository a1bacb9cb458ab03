/// One recorded op: its inputs and the function that maps the gradient of its output to the
/// gradients of those inputs (its pullback).
///
/// The pullback closure owns whatever the op saved for backward (inputs, outputs, masks). `backward()`
/// drops the closure and the input references as soon as the node has run, so activations are freed
/// during the backward pass instead of after it.
final class GradNode {
    /// Name of the op, for error messages.
    let op: String
    /// The op's inputs, in the order the pullback returns their gradients.
    private(set) var inputs: [Tensor]
    /// Maps the output gradient to one gradient per input (`nil` for inputs that need none).
    private var pullback: ((Tensor) -> [Tensor?])?

    init(op: String, inputs: [Tensor], pullback: @escaping (Tensor) -> [Tensor?]) {
        self.op = op
        self.inputs = inputs
        self.pullback = pullback
    }

    /// True once the node has run and released what it saved.
    var isReleased: Bool { pullback == nil }

    /// Runs the pullback once and releases the node's saved state.
    func run(_ outputGradient: Tensor) -> [Tensor?] {
        guard let pullback else { return [] }
        let gradients = pullback(outputGradient)
        precondition(gradients.count == inputs.count,
                     "\(op): backward returned \(gradients.count) gradients for \(inputs.count) inputs")
        self.pullback = nil
        return gradients
    }

    /// Drops the references to the inputs (after their gradients were handed over).
    func releaseInputs() { inputs = [] }
}

extension Tensor {
    /// Builds the result of an op: records `pullback` when recording is on and an input requires
    /// gradients, otherwise returns `result` as is. Every differentiable op goes through here, and so
    /// can a custom fused op defined outside this module (e.g. linear attention): compute `result`
    /// from the inputs' buffers, then give the function that maps the output's gradient to one
    /// gradient per input (nil where none is needed), each of its input's shape. The pullback runs
    /// with recording off and may keep whatever it captured until it runs once.
    public static func record(_ op: String, _ result: Tensor, inputs: [Tensor],
                       pullback: @escaping (Tensor) -> [Tensor?]) -> Tensor {
        guard GradientRecording.isEnabled, inputs.contains(where: { $0.requiresGrad }) else { return result }
        // An op may hand back one of its inputs unchanged (e.g. summing a scalar); recording onto that
        // tensor would overwrite its history, so record onto a fresh view instead.
        let result = result.requiresGrad || inputs.contains(where: { $0 === result })
            ? Tensor(shape: result.shape, storage: result.storage) : result
        result.requiresGrad = true
        result.gradNode = GradNode(op: op, inputs: inputs, pullback: pullback)
        return result
    }
}
