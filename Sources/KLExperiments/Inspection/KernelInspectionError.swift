import Foundation

/// Why a checkpoint cannot be inspected. Every message names the file it is about.
public enum KernelInspectionError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// There is no file at the path.
    case missingCheckpoint(path: String)
    /// The file exists but is not a readable KLTransformer checkpoint; `reason` is the reader's message.
    case unreadableCheckpoint(path: String, reason: String)
    /// The checkpoint's kernel has no spectral distribution and no random features (softmax, elu+1):
    /// there is nothing to inspect. Not a failure: the command says so and stops.
    case nothingToInspect(path: String, kernel: String, reason: String)
    /// No candidate seed rebuilds the model the checkpoint was trained from: the initial
    /// distribution cannot be reproduced.
    case seedMismatch(path: String, tried: [String])
    /// There is no batch of data to run the model on.
    case noData(String)
    /// The output folder cannot be created.
    case unwritableOutput(path: String, reason: String)

    /// The message, naming the file.
    public var description: String {
        switch self {
        case .missingCheckpoint(let path):
            "\(path): no such checkpoint file"
        case .unreadableCheckpoint(let path, let reason):
            reason.contains(path) ? "cannot inspect \(path): \(reason)" : "cannot inspect \(path): \(reason) (\(path))"
        case .nothingToInspect(let path, let kernel, let reason):
            "\(path): kernel \(kernel) \(reason); nothing to inspect"
        case .seedMismatch(let path, let tried):
            "\(path): cannot rebuild the model at initialisation: \(tried.joined(separator: "; ")) — the feature maps' random keys differ from the checkpoint's; pass the model's seed with --seed"
        case .noData(let message):
            message
        case .unwritableOutput(let path, let reason):
            "cannot create the output folder \(path): \(reason)"
        }
    }

    /// Same as `description`.
    public var errorDescription: String? { description }
}
