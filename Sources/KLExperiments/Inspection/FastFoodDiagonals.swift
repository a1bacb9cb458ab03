import KLTensor
import KLTransformer

/// FastFood's diagonals of V = (1/√d)·S·H·G·Π·H·B as numbers: the learned ones (S; and G, B for
/// FastFood-RKS/PRF), shared by the heads of a layer.
public struct FastFoodDiagonals: Sendable, Equatable {
    /// One diagonal.
    public struct Diagonal: Sendable, Equatable {
        /// "S", "G" or "B".
        public var name: String
        /// Its d values.
        public var values: [Double]
    }

    /// The learned diagonals, in the order S, G, B.
    public var learned: [Diagonal]
    /// The diagonals drawn at random at every redraw instead (for the summary), e.g. ["G", "B"].
    public var drawn: [String]

    /// The diagonals of a map with learned FastFood frequencies (the paper's FastFood kernels and the
    /// grid's `fastfood-learned` pairs; every block's values in turn), or nil for any other map.
    public init?(_ map: any FeatureMap) {
        guard let model = (map as? RandomFeatureMap)?.learnedFrequencies as? LearnedFastFoodModel else { return nil }
        let named: [(String, FastFoodDiagonalSet, KLTensor.Tensor)] = [("S", .scale, model.scale), ("G", .gaussian, model.gaussian),
                                                                      ("B", .signs, model.signs)]
        learned = named.filter { model.learned.contains($0.1) }.map { Diagonal(name: $0.0, values: $0.2.scalars.map(Double.init)) }
        drawn = named.filter { !model.learned.contains($0.1) }.map(\.0)
    }
}
