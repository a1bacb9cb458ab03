/// Elementwise arithmetic with NumPy broadcasting, and arithmetic with scalars.
extension Tensor {
    /// Elementwise sum (broadcasting).
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        // The pullbacks of + and − capture shapes only, so the operands can be freed after the forward pass.
        let (shapeA, shapeB) = (a.shape, b.shape)
        return record("add", a.mapBinary(b, AddKernel.self, op: "add"), inputs: [a, b]) { g in
            [g.summed(toShape: shapeA), g.summed(toShape: shapeB)]
        }
    }

    /// Elementwise difference (broadcasting).
    public static func - (a: Tensor, b: Tensor) -> Tensor {
        let (shapeA, shapeB) = (a.shape, b.shape)
        return record("sub", a.mapBinary(b, SubtractKernel.self, op: "sub"), inputs: [a, b]) { g in
            [g.summed(toShape: shapeA), g.negatedValues().summed(toShape: shapeB)]
        }
    }

    /// Elementwise product (broadcasting).
    public static func * (a: Tensor, b: Tensor) -> Tensor {
        record("mul", a.mapBinary(b, MultiplyKernel.self, op: "mul"), inputs: [a, b]) { g in
            [a.requiresGrad ? g.mapBinary(b, MultiplyKernel.self, op: "mul").summed(toShape: a.shape) : nil,
             b.requiresGrad ? g.mapBinary(a, MultiplyKernel.self, op: "mul").summed(toShape: b.shape) : nil]
        }
    }

    /// Elementwise quotient (broadcasting).
    public static func / (a: Tensor, b: Tensor) -> Tensor {
        let result = a.mapBinary(b, DivideKernel.self, op: "div")
        return record("div", result, inputs: [a, b]) { g in
            let ga = g.mapBinary(b, DivideKernel.self, op: "div")
            // d(a/b)/db = -(a/b)/b
            let gb = b.requiresGrad
                ? ga.mapBinary(result, MultiplyKernel.self, op: "div").negatedValues().summed(toShape: b.shape) : nil
            return [a.requiresGrad ? ga.summed(toShape: a.shape) : nil, gb]
        }
    }

    /// Elementwise maximum (broadcasting); at ties the gradient goes to `b`.
    public static func maximum(_ a: Tensor, _ b: Tensor) -> Tensor {
        record("maximum", a.mapBinary(b, MaximumKernel.self, op: "maximum"), inputs: [a, b]) { g in
            let aWins = a.mapBinary(b, GreaterKernel.self, op: "maximum")
            let ga = g.mapBinary(aWins, MultiplyKernel.self, op: "maximum")
            return [ga.summed(toShape: a.shape), g.mapBinary(ga, SubtractKernel.self, op: "maximum").summed(toShape: b.shape)]
        }
    }

    /// Adds a scalar to every element.
    public static func + (a: Tensor, s: Float) -> Tensor {
        record("addScalar", a.mapUnary(Affine(shift: s)), inputs: [a]) { g in [g] }
    }
    /// Adds a scalar to every element.
    public static func + (s: Float, a: Tensor) -> Tensor { a + s }
    /// Subtracts a scalar from every element.
    public static func - (a: Tensor, s: Float) -> Tensor { a + (-s) }
    /// `s - a` elementwise.
    public static func - (s: Float, a: Tensor) -> Tensor { -a + s }

    /// Multiplies every element by a scalar.
    public static func * (a: Tensor, s: Float) -> Tensor {
        record("mulScalar", a.mapUnary(Affine(scale: s)), inputs: [a]) { g in [g.mapUnary(Affine(scale: s))] }
    }
    /// Multiplies every element by a scalar.
    public static func * (s: Float, a: Tensor) -> Tensor { a * s }
    /// Divides every element by a scalar.
    public static func / (a: Tensor, s: Float) -> Tensor { a * (1 / s) }

    /// Elementwise negation.
    public static prefix func - (a: Tensor) -> Tensor {
        record("neg", a.negatedValues(), inputs: [a]) { g in [g.negatedValues()] }
    }

    /// Elementwise square.
    public func squared() -> Tensor {
        let x = self
        return Tensor.record("square", x.mapUnary(ScaledSquare()), inputs: [x]) { g in
            [g.mapBinary(x, MultiplyKernel.self, op: "square").mapUnary(Affine(scale: 2))]
        }
    }

    /// Elementwise `max(lower, min(upper, x))`. The gradient passes where `lower ≤ x ≤ upper`.
    public func clamped(min lower: Float = -.infinity, max upper: Float = .infinity) -> Tensor {
        precondition(lower <= upper, "clamp: lower bound \(lower) exceeds upper bound \(upper)")
        let x = self
        return Tensor.record("clamp", x.mapUnary(Clamp(lower: lower, upper: upper)), inputs: [x]) { g in
            let inside = x.mapUnary(Indicator(lower: lower, upper: upper))
            return [g.mapBinary(inside, MultiplyKernel.self, op: "clamp")]
        }
    }

    /// Negation without recording.
    func negatedValues() -> Tensor { mapUnary(Affine(scale: -1)) }

    /// Sums a broadcast gradient back to `target` (the shape of the input that was broadcast).
    func summed(toShape target: [Int]) -> Tensor {
        if shape == target { return self }
        let offset = rank - target.count
        precondition(offset >= 0, "sumTo: cannot reduce shape \(shape) to \(target)")
        var axes: [Int] = Array(0..<offset)
        for i in 0..<target.count where target[i] == 1 && shape[i + offset] != 1 { axes.append(i + offset) }
        return withoutGradients { sum(alongAxes: axes, keepingDimensions: true) }.reshaped(to: target)
    }
}
