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
        let start = seed ?? Tensor.ones(shape)
        guard let root = gradNode else {
            accumulateGrad(start)
            return
        }
        let order = try Tensor.topologicalOrder(from: root)
        var pending: [ObjectIdentifier: Tensor] = [ObjectIdentifier(root): start]
        withoutGradients {
            for node in order.reversed() {
                guard let gradient = pending.removeValue(forKey: ObjectIdentifier(node)) else { continue }
                // Taken one at a time, so each input's gradient is freed once it is passed on (a leaf
                // keeps a copy): a node's gradients and the leaves' copies are never all alive at once.
                var results = node.run(gradient)
                results.reverse()
                while let (input, inputGradient) = results.popLast() {
                    switch input {
                    case .node(let producer):
                        let key = ObjectIdentifier(producer)
                        pending[key] = pending[key].map { $0.adding(inputGradient) } ?? inputGradient
                    case .leaf(let leaf):
                        leaf.accumulateGrad(inputGradient)
                    case .constant:
                        break
                    }
                }
            }
        }
    }

    /// Nodes reachable from `root`, each after all of the nodes that produced its inputs.
    private static func topologicalOrder(from root: GradNode) throws -> [GradNode] {
        var order: [GradNode] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(node: GradNode, expanded: Bool)] = [(root, false)]
        while let (node, expanded) = stack.popLast() {
            if expanded { order.append(node); continue }
            guard visited.insert(ObjectIdentifier(node)).inserted else { continue }
            if node.isReleased { throw AutogradError.graphReleased(op: node.op) }
            stack.append((node, true))
            for case .node(let producer) in node.inputs where !visited.contains(ObjectIdentifier(producer)) {
                stack.append((producer, false))
            }
        }
        return order
    }

    /// Adds `gradient` into this leaf's `grad`, in place when a gradient is already there.
    fileprivate func accumulateGrad(_ gradient: Tensor) {
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
