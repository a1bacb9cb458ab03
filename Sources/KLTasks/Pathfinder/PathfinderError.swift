/// What went wrong while generating or loading Pathfinder data; file problems name the file (and
/// the 1-based line for metadata).
public enum PathfinderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The two target contours could not be placed within `attempts` tries (the configuration
    /// asks for contours too long for the image).
    case generationFailed(contourLength: Int, attempts: Int)
    /// A metadata line is malformed (too few fields, a label that is not 0 or 1, a bad path).
    case badMetadataLine(path: String, line: Int, reason: String)
    /// An image does not have the expected size.
    case wrongImageSize(path: String, width: Int, height: Int, expected: Int)
    /// No metadata files were found where the layout puts them.
    case missingMetadata(directory: String)

    /// A one-line message naming the file and the problem.
    public var description: String {
        switch self {
        case .generationFailed(let contourLength, let attempts):
            return "Pathfinder generation failed: no pair of \(contourLength)-segment contours fitted in \(attempts) attempts"
        case .badMetadataLine(let path, let line, let reason):
            return "\(path):\(line): bad metadata line: \(reason)"
        case .wrongImageSize(let path, let width, let height, let expected):
            return "\(path): the image is \(width)×\(height), expected \(expected)×\(expected)"
        case .missingMetadata(let directory):
            return "\(directory): no metadata/*.npy files (expected <root>/<difficulty>/metadata/<batch>.npy)"
        }
    }
}
