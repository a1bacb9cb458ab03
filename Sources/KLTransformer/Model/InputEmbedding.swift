import KLTensor

/// How the encoder turns a sequence of ids into vectors.
///
/// Images come as pixel tokens (intensity + 1, 0 = padding; `vocabularySize` 257, LRA's way): the
/// `tokens` embedding gives each of the 256 intensities its own learned vector, so nothing
/// continuous reaches the model and no gradient reaches a pixel. `linearPixels` and `patches` read
/// the same ids as intensities x ∈ [0, 1] and embed them linearly, so the model is a differentiable
/// function of the pixels (`TransformerEncoder.embed(pixels:)`), as attacks on the input need.
public enum InputEmbedding: Equatable, Sendable, CustomStringConvertible {
    /// A learned vector per id (the default; text, ListOps, and LRA's pixel tokens).
    case tokens
    /// x·w + b per pixel with learned w, b ∈ R^D: one position per pixel.
    case linearPixels
    /// Non-overlapping `size`×`size` patches of the square image, each flattened row by row and
    /// projected by a learned Linear(size² → D), ViT-style: (side/size)² positions, row-major.
    case patches(size: Int)

    /// The name `--pixel-embedding` and checkpoints use: "tokens", "linear" or "patch-P".
    public var description: String {
        switch self {
        case .tokens: "tokens"
        case .linearPixels: "linear"
        case .patches(let size): "patch-\(size)"
        }
    }

    /// The embedding named `name` (as `description` writes it), or nil.
    public init?(named name: String) {
        switch name {
        case "tokens": self = .tokens
        case "linear": self = .linearPixels
        default:
            guard name.hasPrefix("patch-"), let size = Int(name.dropFirst("patch-".count)), size >= 1 else { return nil }
            self = .patches(size: size)
        }
    }

    /// The pixel-token vocabulary the continuous embeddings read (intensity + 1, and 0 for padding).
    public static let pixelVocabularySize = 257

    /// Whether the ids are read as pixel intensities.
    public var readsPixels: Bool { self != .tokens }
}

extension InputEmbedding: Codable {
    public init(from decoder: Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let embedding = InputEmbedding(named: name) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "unknown input embedding '\(name)' (tokens, linear or patch-P)"))
        }
        self = embedding
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
