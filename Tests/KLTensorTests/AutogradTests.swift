import Testing
@testable import KLTensor
import KLTestSupport

/// The tape's contract: accumulation, no-gradient scopes, release of saved buffers, errors.
@Suite struct AutogradTests {
    @Test func gradientsAccumulateUntilZeroed() throws {
        let x = Tensor(shape: [2], scalars: [1, 2], requiresGrad: true)
        try (x * 3).sum().backward()
        try (x * 3).sum().backward()
        #expect(x.grad?.scalars == [6, 6])
        x.zeroGrad()
        try (x.squared()).sum().backward()
        #expect(x.grad?.scalars == [2, 4])
    }

    @Test func noGradientScopeRecordsNothing() {
        let x = Tensor(shape: [2], scalars: [1, 2], requiresGrad: true)
        let y = withoutGradients { (x * 2).exp().sum() }
        #expect(!y.requiresGrad)
        #expect(y.gradNode == nil)
        #expect(throws: AutogradError.noGradient(shape: [])) { try y.backward() }
    }

    @Test func secondBackwardThroughReleasedGraphThrows() throws {
        let x = Tensor(shape: [3], scalars: [1, 2, 3], requiresGrad: true)
        let loss = x.exp().sum()
        try loss.backward()
        #expect(throws: AutogradError.graphReleased(op: "sum")) { try loss.backward() }
        // An intermediate of the released graph is refused too.
        let y = x.exp()
        let z = y.sin().sum()
        try z.backward()
        #expect(throws: AutogradError.self) { try (y * 2).sum().backward() }
    }

    @Test func savedBuffersAreReleasedDuringBackward() throws {
        let x = Tensor(shape: [4], scalars: [1, 2, 3, 4], requiresGrad: true)
        weak var saved: Tensor?
        let loss: Tensor = {
            let intermediate = x.exp()        // saved by exp's own pullback and by sin's
            saved = intermediate
            return intermediate.sin().sum()
        }()
        #expect(saved != nil)
        try loss.backward()
        #expect(saved == nil, "the intermediate is still alive after backward")
    }

    @Test func leafWithoutGradientIsUntouchedAndConstantsNeedNoGradient() throws {
        let w = Tensor(shape: [2], scalars: [1, 1], requiresGrad: true)
        let c = Tensor(shape: [2], scalars: [5, 7])
        try (w * c).sum().backward()
        #expect(w.grad?.scalars == [5, 7])
        #expect(c.grad == nil)
    }

    @Test func seedGradientForNonScalarOutput() throws {
        let x = Tensor(shape: [2], scalars: [1, 2], requiresGrad: true)
        let y = x * x
        try y.backward(seed: Tensor(shape: [2], scalars: [1, 10]))
        #expect(x.grad?.scalars == [2, 40])
        #expect(throws: AutogradError.seedShapeMismatch(expected: [2], got: [3])) {
            try (x * 2).backward(seed: Tensor.ones([3]))
        }
    }

    @Test func deepChainDoesNotOverflowTheStack() throws {
        let x = Tensor(shape: [1], scalars: [0.5], requiresGrad: true)
        var y = x
        for _ in 0..<20_000 { y = y + 0.0001 }
        try y.sum().backward()
        #expect(x.grad?.scalars == [1])
    }

    @Test func errorMessagesNameTheProblem() {
        #expect(AutogradError.graphReleased(op: "matmul").description.contains("matmul"))
        #expect(AutogradError.noGradient(shape: [2, 3]).description.contains("[2, 3]"))
    }
}
