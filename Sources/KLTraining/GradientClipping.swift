import KLTensor
import KLTransformer

/// Gradient checks and clipping done between backward and the optimizer step.
public enum GradientClipping {
    /// The global L2 norm of all parameters' gradients.
    public static func globalNorm(_ parameters: [NamedParameter]) -> Double {
        var total = 0.0
        for parameter in parameters {
            guard let grad = parameter.tensor.grad else { continue }
            grad.withUnsafeBufferPointer { values in for value in values { total += Double(value) * Double(value) } }
        }
        return total.squareRoot()
    }

    /// Scales every gradient by maxNorm/norm when the global norm exceeds `maxNorm`; returns the norm
    /// before clipping.
    @discardableResult
    public static func clip(_ parameters: [NamedParameter], maxNorm: Double) -> Double {
        let norm = globalNorm(parameters)
        guard norm > maxNorm, norm.isFinite else { return norm }
        let scale = Float(maxNorm / (norm + 1e-6))
        for parameter in parameters {
            parameter.tensor.grad?.withUnsafeMutableBufferPointer { values in for i in values.indices { values[i] *= scale } }
        }
        return norm
    }

    /// The name of the first parameter whose gradient holds a NaN or infinity, if any.
    public static func firstNonFiniteGradient(_ parameters: [NamedParameter]) -> String? {
        parameters.first { parameter in
            parameter.tensor.grad?.withUnsafeBufferPointer { $0.contains { !$0.isFinite } } ?? false
        }?.name
    }
}
