import Foundation
import KLTensor
import Testing
@testable import KLTransformer

/// `EncoderConfiguration.validate()`: the one check every path runs before building a model. Sizes
/// out of range, kernels that cannot be built with these sizes and models too large for memory are
/// errors naming the problem, never traps or huge allocations.
@Suite struct ConfigurationValidationTests {
    static func configuration(_ kernel: Kernel = .gmmPRF) -> EncoderConfiguration {
        EncoderConfiguration.preset(.tiny, vocabularySize: 20, maxLength: 16, classes: 3, kernel: kernel.rawValue)
    }

    /// The message `SequenceClassifier.init` throws for this configuration, or nil when it builds.
    static func refusal(_ configuration: EncoderConfiguration) -> String? {
        do {
            _ = try SequenceClassifier(configuration: configuration, seed: 1)
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// The edited checkpoints of the issue (vocabulary 2³³, maxLength 10⁹, feature argument 10⁹,
    /// width 2⁴⁰, 10⁵ layers) and every other size out of range.
    @Test(arguments: [
        ("vocabularySize", 1 << 33), ("vocabularySize", 1), ("maxLength", 1_000_000_000), ("maxLength", 0),
        ("modelDimension", 1 << 40), ("modelDimension", -4), ("heads", 0), ("heads", 1 << 20), ("headDimension", 0),
        ("headDimension", 1 << 30), ("feedForwardDimension", 0), ("layers", 100_000), ("layers", 0),
        ("classifierDimension", 1 << 40), ("classes", 1), ("classes", 1 << 40), ("featureDimensionsArgument", 1_000_000_000),
        ("featureDimensionsArgument", 0), ("featureDimensionsArgument", -5), ("redrawEvery", -1),
    ])
    func sizesOutOfRangeAreRefusedByName(field: String, value: Int) {
        var c = Self.configuration()
        switch field {
        case "vocabularySize": c.vocabularySize = value
        case "maxLength": c.maxLength = value
        case "modelDimension": c.modelDimension = value
        case "heads": c.heads = value
        case "headDimension": c.headDimension = value
        case "feedForwardDimension": c.feedForwardDimension = value
        case "layers": c.layers = value
        case "classifierDimension": c.classifierDimension = value
        case "classes": c.classes = value
        case "featureDimensionsArgument": c.featureDimensionsArgument = value
        default: c.redrawEvery = value
        }
        let message = Self.refusal(c)
        #expect(message?.contains(field) == true && message?.contains("\(value)") == true, "\(field) = \(value): \(message ?? "built")")
    }

    /// Each kernel's feature-count argument: below its minimum it is refused (the maps' initialisers
    /// trap there), at its minimum the model builds, and the features attention sees are what
    /// `featuresPerHead` says.
    @Test(arguments: Kernel.allCases)
    func featureArgumentsAreCheckedPerKernel(kernel: Kernel) throws {
        var c = Self.configuration(kernel)
        let minimum = c.kernelConfiguration(seed: 0).minimumDimensionsArgument
        for bad in [0, -5, minimum - 1] where bad < 1 || c.kernelConfiguration(seed: 0).usesDimensionsArgument {
            c.featureDimensionsArgument = bad
            #expect(Self.refusal(c) != nil, "\(kernel.rawValue) built with feature argument \(bad)")
        }
        for good in [minimum, 8] {
            c.featureDimensionsArgument = good
            let model = try SequenceClassifier(configuration: c, seed: 1)
            let expected = c.kernelConfiguration(seed: 0).featuresPerHead
            for map in model.featureMaps { #expect(map.featureCount * map.mixtureComponents == expected, "\(kernel.rawValue), n = \(good)") }
        }
    }

    @Test func theOfficialDefaultFeatureCountIsCheckedToo() {
        // At one token the official default for GMM-RKS, min(maxLength + 1, 4p + 1), is 3: too few.
        var c = Self.configuration(.gmmRKS)
        c.maxLength = 1
        #expect(Self.refusal(c)?.contains("at least 5") == true)
    }

    @Test func parameterCountIsAnUpperBoundOfTheBuiltModel() throws {
        for kernel in Kernel.allCases {
            for pairs in [false, true] {
                var c = Self.configuration(kernel)
                c.pairInputs = pairs
                c.layers = 2
                let model = try SequenceClassifier(configuration: c, seed: 2)
                let parameters = model.parameters.reduce(0) { $0 + $1.tensor.count }
                let buffers = model.buffers.reduce(0) { $0 + $1.tensor.count }
                #expect(c.parameterCount >= parameters + buffers, "\(kernel.rawValue): estimate \(c.parameterCount), built \(parameters) + \(buffers)")
                #expect(c.parameterCount <= 2 * (parameters + buffers) + 10_000, "\(kernel.rawValue): estimate \(c.parameterCount) far above \(parameters)")
            }
        }
    }

    @Test func modelsLargerThanMemoryAreRefusedBeforeAllocating() {
        var c = Self.configuration()
        (c.vocabularySize, c.modelDimension) = (1 << 24, 1 << 16)   // a 4.4 TB embedding
        let message = Self.refusal(c)
        #expect(message?.contains("TB") == true && message?.contains("memory") == true, "\(message ?? "built")")
        #expect(throws: ConfigurationError.self) { try Self.configuration().validate(memoryLimit: 1000) }
        #expect(throws: Never.self) { try Self.configuration().validate() }
    }

    @Test func estimatesSaturateInsteadOfWrapping() {
        #expect(SaturatingSize.product(1 << 40, 1 << 40) == .max)
        #expect(SaturatingSize.sum(.max, 1) == .max)
        #expect(SaturatingSize.product(0, .max) == 0)
        #expect(SaturatingSize.describe(bytes: 137_438_953_472) == "137.4 GB")
        var c = Self.configuration(.softmax)
        c.maxLength = 1 << 20
        #expect(c.activationBytes(batch: 1 << 40, length: 1 << 20, training: true) == .max)
    }
}
