/// The three Pathfinder difficulties of LRA's release, by the length of the two target contours.
///
/// Each names the directory the release (and `PathfinderGenerator.write(to:)`) uses, so loading
/// and generating agree on the layout.
public enum PathfinderDifficulty: String, CaseIterable, Hashable, Sendable, Codable {
    /// Contours of 6 segments: the wrapper's baseline set, `curv_baseline`.
    case easy
    /// Contours of 9 segments, `curv_contour_length_9`.
    case intermediate
    /// Contours of 14 segments, `curv_contour_length_14`: the set LRA's leaderboard reports.
    case hard

    /// The number of dashes in each target contour.
    public var contourLength: Int {
        switch self {
        case .easy: return 6
        case .intermediate: return 9
        case .hard: return 14
        }
    }

    /// The directory of this difficulty under the data set's root.
    public var directoryName: String { Self.directoryName(contourLength: contourLength) }

    /// The difficulty whose contours have `contourLength` segments, if there is one.
    public init?(contourLength: Int) {
        guard let match = Self.allCases.first(where: { $0.contourLength == contourLength }) else { return nil }
        self = match
    }

    /// The directory for contours of `contourLength` segments: LRA's names for 6, 9 and 14, and
    /// `curv_contour_length_<L>` (the same pattern) for any other length.
    public static func directoryName(contourLength: Int) -> String {
        contourLength == 6 ? "curv_baseline" : "curv_contour_length_\(contourLength)"
    }
}
