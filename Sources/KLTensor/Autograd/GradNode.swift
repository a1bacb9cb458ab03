/// One recorded op: where the gradients of its inputs go, and the function that maps the gradient of
/// its output to those gradients (its pullback).
///
/// A node refers to the *nodes* that produced its inputs (or to leaf tensors), never to intermediate
/// tensors themselves, so an intermediate result is freed as soon as nothing but the graph would hold
/// it — unless a pullback captured it because backward needs it. The pullback closure owns whatever
/// the op saved; `backward()` drops it right after the node has run.
final class GradNode {
    /// Where one input's gradient goes.
    enum Input {
        /// The input was produced by a recorded op.
        case node(GradNode)
        /// The input is a leaf that requires gradients (a parameter).
        case leaf(Tensor)
        /// The input needs no gradient.
        case constant
    }

    /// Name of the op, for error messages.
    let op: String
    /// The op's inputs, in the order the pullback returns their gradients.
    private(set) var inputs: [Input]
    /// Each input's shape, to check the pullback's gradients.
    let inputShapes: [[Int]]
    /// Maps the output gradient to one gradient per input (`nil` for inputs that need none).
    private var pullback: ((Tensor) -> [Tensor?])?

    init(op: String, inputs: [Tensor], pullback: @escaping (Tensor) -> [Tensor?]) {
        self.op = op
        self.inputs = inputs.map { input in
            if let node = input.gradNode { return .node(node) }
            return input.requiresGrad ? .leaf(input) : .constant
        }
        inputShapes = inputs.map(\.shape)
        self.pullback = pullback
    }

    /// True once the node has run and released what it saved.
    var isReleased: Bool { pullback == nil }

    /// Runs the pullback once, then releases the node's saved state and its links to its inputs.
    func run(_ outputGradient: Tensor) -> [(Input, Tensor)] {
        guard let pullback else { return [] }
        let gradients = pullback(outputGradient)
        precondition(gradients.count == inputs.count,
                     "\(op): backward returned \(gradients.count) gradients for \(inputs.count) inputs")
        var routed: [(Input, Tensor)] = []
        for (index, (input, gradient)) in zip(inputs, gradients).enumerated() {
            guard let gradient else { continue }
            if case .constant = input { continue }
            precondition(gradient.shape == inputShapes[index],
                         "\(op): backward produced a gradient of shape \(gradient.shape) for an input of shape \(inputShapes[index])")
            routed.append((input, gradient))
        }
        self.pullback = nil
        inputs = []
        return routed
    }
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
