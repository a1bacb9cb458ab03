/// Why `backward()` could not run.
public enum AutogradError: Error, CustomStringConvertible, Equatable {
    /// `backward()` was called on a tensor that records no history and requires no gradient.
    case noGradient(shape: [Int])
    /// The graph was already consumed by an earlier `backward()`; its saved buffers are gone.
    case graphReleased(op: String)
    /// A seed gradient of the wrong shape was passed.
    case seedShapeMismatch(expected: [Int], got: [Int])

    public var description: String {
        switch self {
        case .noGradient(let shape):
            return "backward(): the tensor of shape \(shape) does not require gradients (no parameter with requiresGrad reaches it, or it was computed inside withoutGradients)"
        case .graphReleased(let op):
            return "backward(): the graph through '\(op)' was already used by an earlier backward() and its saved values were released; run the forward pass again"
        case .seedShapeMismatch(let expected, let got):
            return "backward(): seed gradient has shape \(got), expected \(expected)"
        }
    }
}

extension Tensor {
    /// Propagates gradients from this tensor to every leaf that requires them, adding into their
    /// `grad`. With no `seed`, the tensor must hold one element and the seed is 1.
    ///
    /// The graph is consumed: each node releases its saved buffers right after it runs, and a second
    /// `backward()` through the same graph throws `AutogradError.graphReleased`.
    public func backward(seed: Tensor? = nil) throws {
        guard requiresGrad else { throw AutogradError.noGradient(shape: shape) }
        if let seed, seed.shape != shape {
            throw AutogradError.seedShapeMismatch(expected: shape, got: seed.shape)
        }
        precondition(seed != nil || count == 1,
                     "backward(): the tensor has shape \(shape); pass a seed gradient for non-scalar outputs")
        let order = try topologicalOrder()
        var pending: [ObjectIdentifier: Tensor] = [ObjectIdentifier(self): seed ?? Tensor.ones(shape)]
        try withoutGradients {
            for tensor in order.reversed() {
                guard let gradient = pending.removeValue(forKey: ObjectIdentifier(tensor)) else { continue }
                guard let node = tensor.gradNode else {
                    tensor.accumulateGrad(gradient)
                    continue
                }
                if node.isReleased { throw AutogradError.graphReleased(op: node.op) }
                let inputGradients = node.run(gradient)
                for (input, inputGradient) in zip(node.inputs, inputGradients) {
                    guard input.requiresGrad, let inputGradient else { continue }
                    precondition(inputGradient.shape == input.shape,
                                 "\(node.op): backward produced a gradient of shape \(inputGradient.shape) for an input of shape \(input.shape)")
                    let key = ObjectIdentifier(input)
                    if let existing = pending[key] {
                        pending[key] = existing.adding(inputGradient)
                    } else {
                        pending[key] = inputGradient
                    }
                }
                node.releaseInputs()
            }
        }
    }

    /// Tensors reachable from `self` through recorded nodes, each after all of its inputs.
    private func topologicalOrder() throws -> [Tensor] {
        var order: [Tensor] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(tensor: Tensor, expanded: Bool)] = [(self, false)]
        while let (tensor, expanded) = stack.popLast() {
            if expanded { order.append(tensor); continue }
            guard visited.insert(ObjectIdentifier(tensor)).inserted else { continue }
            stack.append((tensor, true))
            if let node = tensor.gradNode {
                if node.isReleased { throw AutogradError.graphReleased(op: node.op) }
                for input in node.inputs where input.requiresGrad && !visited.contains(ObjectIdentifier(input)) {
                    stack.append((input, false))
                }
            }
        }
        return order
    }

    /// Adds `gradient` into this leaf's `grad`, in place when a gradient is already there.
    private func accumulateGrad(_ gradient: Tensor) {
        guard let grad else {
            // Own the buffer: the incoming gradient may share storage with a value still in use.
            self.grad = gradient.copy()
            return
        }
        let destination = grad.storage.pointer
        let source = gradient.storage.pointer
        for i in 0..<count { destination[i] += source[i] }
    }
}
