import KLTensor
import KLTransformer

/// Sums the gradients of a data-parallel step over the ranks of a group with one MPI_Allreduce: every
/// parameter's gradient is copied, scaled by this rank's weight, into one contiguous buffer (kept
/// between steps), together with a presence flag per parameter and a few statistics of the step;
/// after the sum each gradient is copied back. With weights b_r/B (this rank's rows over the global
/// batch) the sum of the ranks' mean-loss gradients is the gradient of the mean loss over the global
/// batch, as one process computes it.
final class GradientAllReduce {
    /// The parameters whose gradients are summed, in the optimizer's order.
    let parameters: [NamedParameter]
    /// Gradients, then one presence flag per parameter, then the statistics.
    private var buffer: [Float]
    private let gradientCount: Int

    /// A reduction for `parameters`.
    init(parameters: [NamedParameter]) {
        self.parameters = parameters
        gradientCount = parameters.reduce(0) { $0 + $1.tensor.count }
        buffer = []
    }

    /// Bytes summed per step besides the statistics: the gradients and the presence flags.
    var bytesPerStep: Int { (gradientCount + parameters.count) * MemoryLayout<Float>.size }

    /// Replaces every parameter's gradient by the sum over `group` of the ranks' gradients times
    /// their `weight`, and returns the sums of the ranks' `statistics`. A parameter that no rank has a
    /// gradient for keeps none (AdamW then only decays it, as in a single process); one that some rank
    /// lacks gets that rank's share as zeros.
    func reduce(weight: Float, statistics: [Float], in group: ProcessGroup) throws -> [Float] {
        let total = gradientCount + parameters.count + statistics.count
        if buffer.count != total { buffer = [Float](repeating: 0, count: total) }
        try buffer.withUnsafeMutableBufferPointer { values in
            var offset = 0
            for (index, parameter) in parameters.enumerated() {
                let count = parameter.tensor.count
                if let grad = parameter.tensor.grad {
                    grad.withUnsafeBufferPointer { g in for i in 0..<count { values[offset + i] = g[i] * weight } }
                    values[gradientCount + index] = 1
                } else {
                    for i in 0..<count { values[offset + i] = 0 }
                    values[gradientCount + index] = 0
                }
                offset += count
            }
            for (index, value) in statistics.enumerated() { values[gradientCount + parameters.count + index] = value }
            try group.allReduceSum(values)
            offset = 0
            for (index, parameter) in parameters.enumerated() {
                let count = parameter.tensor.count
                defer { offset += count }
                guard values[gradientCount + index] > 0 else { parameter.tensor.zeroGrad(); continue }
                if parameter.tensor.grad == nil { parameter.tensor.setGrad(Tensor.zeros(parameter.tensor.shape)) }
                parameter.tensor.grad!.withUnsafeMutableBufferPointer { g in for i in 0..<count { g[i] = values[offset + i] } }
            }
        }
        return Array(buffer.suffix(statistics.count))
    }
}
