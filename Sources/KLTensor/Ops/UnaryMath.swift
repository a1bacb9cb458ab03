import Foundation

/// Elementwise transcendental functions and activations. exp, log, sin, cos, tanh and erf run on the
/// vectorised kernels of `VectorMath`; the learned kernels spend most of their time here.
extension Tensor {
    /// eˣ elementwise.
    public func exp() -> Tensor {
        let y = mapVector(.exp)
        return Tensor.record("exp", y, inputs: [self]) { g in [g.mapBinary(y, MultiplyKernel.self, op: "exp")] }
    }

    /// Natural logarithm elementwise.
    public func log() -> Tensor {
        let x = self
        return Tensor.record("log", mapVector(.log), inputs: [x]) { g in [g.mapBinary(x, DivideKernel.self, op: "log")] }
    }

    /// Square root elementwise.
    public func sqrt() -> Tensor {
        let y = mapUnary(SquareRoot())
        return Tensor.record("sqrt", y, inputs: [self]) { g in
            [g.mapBinary(y, DivideKernel.self, op: "sqrt").mapUnary(Affine(scale: 0.5))]
        }
    }

    /// 1/√x elementwise.
    public func rsqrt() -> Tensor {
        let y = mapUnary(ReciprocalSquareRoot())
        return Tensor.record("rsqrt", y, inputs: [self]) { g in
            // d/dx x^(-1/2) = -½ y³
            [g.mapBinary(y.mapUnary(ScaledCube(scale: -0.5)), MultiplyKernel.self, op: "rsqrt")]
        }
    }

    /// Sine elementwise.
    public func sin() -> Tensor {
        let x = self
        return Tensor.record("sin", mapVector(.sin), inputs: [x]) { g in
            [g.mapBinary(x.mapVector(.cos), MultiplyKernel.self, op: "sin")]
        }
    }

    /// Cosine elementwise.
    public func cos() -> Tensor {
        let x = self
        return Tensor.record("cos", mapVector(.cos), inputs: [x]) { g in
            [g.mapBinary(x.mapVector(.sin), MultiplyKernel.self, op: "cos").negatedValues()]
        }
    }

    /// Hyperbolic tangent elementwise.
    public func tanh() -> Tensor {
        let y = mapVector(.tanh)
        return Tensor.record("tanh", y, inputs: [self]) { g in
            [g.mapBinary(y.mapUnary(OneMinusSquare()), MultiplyKernel.self, op: "tanh")]
        }
    }

    /// Logistic sigmoid 1/(1+e⁻ˣ) elementwise.
    public func sigmoid() -> Tensor {
        let negated = negatedValues()
        VectorMath.apply(.exp, negated.storage.pointer, negated.storage.pointer, count: count)
        let y = negated.mapUnary(ReciprocalOfOnePlus())
        return Tensor.record("sigmoid", y, inputs: [self]) { g in
            [g.mapBinary(y.mapUnary(LogisticSlope()), MultiplyKernel.self, op: "sigmoid")]
        }
    }

    /// max(x, 0) elementwise; the gradient at 0 is 0.
    public func relu() -> Tensor { leakyRelu(slope: 0) }

    /// x for x > 0, `slope`·x otherwise.
    public func leakyRelu(slope: Float) -> Tensor {
        let x = self
        return Tensor.record("leakyRelu", mapUnary(LeakyRelu(slope: slope)), inputs: [x]) { g in
            [g.mapBinary(x.mapUnary(LeakyReluSlope(slope: slope)), MultiplyKernel.self, op: "leakyRelu")]
        }
    }

    /// x for x > 0, α(eˣ − 1) otherwise, plus `offset` (elu + 1 is linear attention's positive feature
    /// map): the bits of `elu(alpha:) + offset` without the second op's pass. One pass forward and one
    /// backward (which recomputes eˣ rather than keeping it): ∂/∂x = 1 for x > 0, αeˣ otherwise.
    public func elu(alpha: Float = 1, plus offset: Float = 0) -> Tensor {
        let x = self
        let y = Tensor(shape: shape, storage: TensorStorage(uninitializedCount: count))
        let source = storage.pointer, out = y.storage.pointer
        Tensor.forVectorChunks(count) { start, end in
            VectorMath.applySerially(.exp, source + start, out + start, count: end - start)
            // Both sides computed and selected without a branch: the signs of activations are
            // random, and a branch per element mispredicts half the time.
            for i in start..<end {
                let x = source[i], negative = alpha * (out[i] - 1)
                out[i] = (x > 0 ? x : negative) + offset
            }
        }
        return Tensor.record("elu", y, inputs: [x]) { g in
            let grad = Tensor(shape: x.shape, storage: TensorStorage(uninitializedCount: x.count))
            let source = x.storage.pointer, gp = g.storage.pointer, dx = grad.storage.pointer
            Tensor.forVectorChunks(x.count) { start, end in
                VectorMath.applySerially(.exp, source + start, dx + start, count: end - start)
                for i in start..<end {
                    let negative = alpha * dx[i]
                    dx[i] = gp[i] * (source[i] > 0 ? 1 : negative)
                }
            }
            return [grad]
        }
    }

    /// Gaussian error linear unit, exact form x·Φ(x) = ½x(1 + erf(x/√2)). One vectorised pass forward
    /// and one backward, which recomputes Φ(x) and the density φ(x) = e^{−x²/2}/√(2π) rather than
    /// keeping them: ∂/∂x = Φ(x) + x·φ(x).
    public func gelu() -> Tensor {
        let x = self
        let y = Tensor.uninitialized(shape)
        let source = storage.pointer, out = y.storage.pointer
        Tensor.forVectorChunks(count) { start, end in VectorMath.gelu(source + start, out + start, count: end - start) }
        return Tensor.record("gelu", y, inputs: [x]) { g in
            let grad = Tensor.uninitialized(x.shape)
            let source = x.storage.pointer, gp = g.storage.pointer, dx = grad.storage.pointer
            Tensor.forVectorChunks(x.count) { start, end in
                VectorMath.geluGradient(source + start, gp + start, dx + start, count: end - start)
            }
            return [grad]
        }
    }
}

