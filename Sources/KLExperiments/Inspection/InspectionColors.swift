import KLCharts

/// The fixed colours of the inspection charts, so "initial" and "trained", and the reference
/// kernels, look the same in every chart.
enum InspectionColors {
    /// The distribution at initialisation.
    static let initial = Color(red: 0x99, green: 0x99, blue: 0x99)
    /// The trained distribution.
    static let trained = Color(red: 0x00, green: 0x72, blue: 0xB2)
    /// The softmax kernel (dark grey: the palette's colours are the heads').
    static let softmax = Color(red: 0x33, green: 0x33, blue: 0x33)
    /// The Gaussian kernel (light grey).
    static let gaussian = Color(red: 0xAA, green: 0xAA, blue: 0xAA)
    /// The change of σ (beside the change of μ in `trained`'s colour).
    static let gaussianChange = Color(red: 0xD5, green: 0x5E, blue: 0x00)
    /// Reference lines (1/√M).
    static let reference = Color(red: 0x77, green: 0x77, blue: 0x77)
}
