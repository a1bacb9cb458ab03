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

    /// x for x > 0, α(eˣ − 1) otherwise.
    public func elu(alpha: Float = 1) -> Tensor {
        let x = self
        let expX = mapVector(.exp)
        let y = x.mapBinary(expX, EluKernel.self, op: "elu")
        let scaled = alpha == 1 ? y : Tensor.select(x, positive: x, otherwise: y.mapUnary(Affine(scale: alpha)))
        return Tensor.record("elu", scaled, inputs: [x]) { g in
            // derivative: 1 for x > 0, αeˣ otherwise
            let slope = Tensor.select(x, positive: Tensor.ones(x.shape), otherwise: expX.mapUnary(Affine(scale: alpha)))
            return [g.mapBinary(slope, MultiplyKernel.self, op: "elu")]
        }
    }

    /// Gaussian error linear unit, exact form x·Φ(x) = ½x(1 + erf(x/√2)).
    public func gelu() -> Tensor {
        let x = self
        let cdf = mapUnary(Affine(scale: Float(0.5.squareRoot())))
        VectorMath.apply(.erf, cdf.storage.pointer, cdf.storage.pointer, count: count)
        let phi = cdf.mapUnary(Affine(scale: 0.5, shift: 0.5))
        let y = x.mapBinary(phi, MultiplyKernel.self, op: "gelu")
        return Tensor.record("gelu", y, inputs: [x]) { g in
            // Φ(x) + x·φ(x), φ(x) = e^{−x²/2}/√(2π)
            let density = x.mapUnary(ScaledSquare(scale: -0.5)).mapVector(.exp)
            let slope = x.mapBinary(density, MultiplyKernel.self, op: "gelu")
                .mapUnary(Affine(scale: Float(1 / (2 * Double.pi).squareRoot())))
                .mapBinary(phi, AddKernel.self, op: "gelu")
            return [g.mapBinary(slope, MultiplyKernel.self, op: "gelu")]
        }
    }

    /// Elementwise choice by the sign of `condition`: `positive` where it is > 0, else `otherwise`.
    /// All three have the same shape; no recording.
    static func select(_ condition: Tensor, positive: Tensor, otherwise: Tensor) -> Tensor {
        let result = Tensor(shape: condition.shape, storage: TensorStorage(uninitializedCount: condition.count))
        let c = condition.storage.pointer, p = positive.storage.pointer, o = otherwise.storage.pointer
        let r = result.storage.pointer
        for i in 0..<condition.count { r[i] = c[i] > 0 ? p[i] : o[i] }
        return result
    }
}

/// elu with α = 1 from x and eˣ.
enum EluKernel: BinaryKernel { @inline(__always) static func apply(_ x: Float, _ e: Float) -> Float { x > 0 ? x : e - 1 } }
