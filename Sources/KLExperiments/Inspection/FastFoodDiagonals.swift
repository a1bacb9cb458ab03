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

    /// The diagonals of a FastFood map, or nil for any other map.
    public init?(_ map: any FeatureMap) {
        guard let map = map as? FastFoodFeatures else { return nil }
        let named: [(String, KLTensor.Tensor?)] = [("S", map.learnedScale), ("G", map.learnedGaussian), ("B", map.learnedSigns)]
        learned = named.compactMap { name, tensor in tensor.map { Diagonal(name: name, values: $0.scalars.map(Double.init)) } }
        drawn = named.filter { $0.1 == nil }.map(\.0)
    }

    /// The norms of V's rows for the current draw of a map whose B is ±1: |S_i|·‖G‖₂ (exact then;
    /// H·B has orthogonal rows of norm √d, so each row of H·G·Π·H·B has norm √d·‖G‖).
    public static func rowNorms(scale: [Double], gaussian: [Double]) -> [Double] {
        let norm = gaussian.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return scale.map { abs($0) * norm }
    }
}
