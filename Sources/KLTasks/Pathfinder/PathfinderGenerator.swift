import Foundation
import KLTensor

/// Generates Pathfinder images with the geometry of `snakes2.py` and LRA's Pathfinder-32
/// parameters (data spec §3): two target contours of `contourLength` dashes starting 7 px apart
/// near the centre, `20 / (L / 3)` distractor contours of `L / 3` dashes, and two round markers,
/// on a 32 × 32 black image.
///
/// A label is drawn uniformly from {0, 1}; for 1 both markers sit on the two ends of the same
/// target contour, for 0 one marker is on each. Everything is seeded with our Philox
/// `RandomGenerator`: image `i` of a configuration is a pure function of `(seed, i)` (see
/// `random(seed:index:)`), so a data set is the same on every machine, whatever the thread count,
/// and any image can be regenerated alone. The RNG streams differ from the original's numpy ones,
/// so images are not bit-identical to LRA's, but everything else is the original's: dashes and
/// markers are rendered exactly as Pillow draws and Lanczos-resizes them (checked against
/// Pillow 13), and seeds are searched with OpenCV's dilation semantics, including its border
/// behaviour that makes some seed directions fail (see `PathfinderScene.freeSeedPixels`). The
/// hard set's statistics match the spec's probe of the original code (mean pixel 20.0 and 66%
/// zeros over 1,000 images, against 20.3 and 66%).
///
/// Retries follow the original (three tries per dash, five per distractor, incomplete
/// distractors dropped), except that the target pair, which the original retried forever, gets
/// at most `Configuration.maximumTargetAttempts` tries before `PathfinderError.generationFailed`.
public struct PathfinderGenerator: Sendable {
    /// What to generate and how to lay it out.
    public struct Configuration: Hashable, Sendable, Codable {
        /// Dashes per target contour: 6 easy, 9 intermediate, 14 hard (LRA's leaderboard set).
        public var contourLength: Int
        /// The number of images `write(to:)` produces (LRA: 200,000 per difficulty).
        public var imageCount: Int
        /// The seed of every image's `RandomGenerator`.
        public var seed: UInt64
        /// Images per `imgs/<batch>` folder and `metadata/<batch>.npy` file.
        public var imagesPerBatch: Int
        /// The most tries for an image's pair of target contours before generation fails with
        /// `PathfinderError.generationFailed` (the original retried forever). The hard set needs
        /// about 315 on average (geometrically distributed), so 100,000 fails with probability e^-317.
        public var maximumTargetAttempts: Int

        /// A configuration; the defaults are the hard set at LRA's size, seed 0.
        public init(contourLength: Int = 14, imageCount: Int = 200_000, seed: UInt64 = 0, imagesPerBatch: Int = 1_000,
                    maximumTargetAttempts: Int = 100_000) {
            self.contourLength = contourLength
            self.imageCount = imageCount
            self.seed = seed
            self.imagesPerBatch = imagesPerBatch
            self.maximumTargetAttempts = maximumTargetAttempts
        }

        /// A configuration for one of LRA's difficulties.
        public init(difficulty: PathfinderDifficulty, imageCount: Int = 200_000, seed: UInt64 = 0, imagesPerBatch: Int = 1_000,
                    maximumTargetAttempts: Int = 100_000) {
            self.init(contourLength: difficulty.contourLength, imageCount: imageCount, seed: seed,
                      imagesPerBatch: imagesPerBatch, maximumTargetAttempts: maximumTargetAttempts)
        }

        /// Dashes per distractor contour, `contourLength / 3` (hard: 4).
        public var distractorLength: Int { contourLength / 3 }
        /// Distractor contours attempted per image, `20 / distractorLength` (hard: 5).
        public var distractorCount: Int { distractorLength > 0 ? 20 / distractorLength : 0 }
        /// The directory under the root that `write(to:)` fills (`curv_contour_length_14`, …).
        public var directoryName: String { PathfinderDifficulty.directoryName(contourLength: contourLength) }
        /// The number of batches, the last one possibly partial.
        public var batchCount: Int { imagesPerBatch > 0 ? (imageCount + imagesPerBatch - 1) / imagesPerBatch : 0 }

        /// Throws `DataError.invalidConfiguration` unless images can be generated.
        public func validate() throws {
            if contourLength < 3 {
                throw DataError.invalidConfiguration("contourLength must be at least 3 (distractors have contourLength / 3 dashes), got \(contourLength)")
            }
            if imageCount < 0 { throw DataError.invalidConfiguration("imageCount must not be negative, got \(imageCount)") }
            if imagesPerBatch < 1 { throw DataError.invalidConfiguration("imagesPerBatch must be positive, got \(imagesPerBatch)") }
            if maximumTargetAttempts < 1 {
                throw DataError.invalidConfiguration("maximumTargetAttempts must be positive, got \(maximumTargetAttempts)")
            }
        }
    }

    /// The image side (Pathfinder-32).
    public static let side = 32
    /// The distance between the two target seeds' tails, in pixels.
    public static let seedDistance = 7
    /// Target dashes: paddle contrast 0.75 × snake contrast 2.
    public static let targetContrast = 1.5
    /// Distractor dashes: snake contrast 2.
    public static let distractorContrast = 2.0
    /// Extra tries per distractor contour after the first (`max_distractor_contour_retrial`).
    public static let distractorRetries = 4

    /// The parameters.
    public let configuration: Configuration
    /// The rendered dashes and the marker renderer.
    private let stamps: PathfinderStamps

    /// A generator with the given parameters (validated when images are made).
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        stamps = PathfinderStamps(side: Self.side)
    }

    /// The generator of image `index` of a data set with `seed`: the Philox stream keyed by the
    /// seed, starting at block `index · 2^64`, so images draw from disjoint streams.
    public static func random(seed: UInt64, index: Int) -> RandomGenerator {
        precondition(index >= 0, "image indices start at 0, got \(index)")
        return RandomGenerator(state: .init(key: seed, counterLow: 0, counterHigh: UInt64(index)))
    }

    /// Image `index` of this configuration's data set (`random(seed:index:)`).
    public func image(at index: Int) throws -> PathfinderImage {
        var random = Self.random(seed: configuration.seed, index: index)
        return try image(using: &random)
    }

    /// Generates one image with `random` (data spec §3.3): label, target pair, distractors,
    /// markers, min–max byte scaling.
    public func image(using random: inout RandomGenerator) throws -> PathfinderImage {
        try configuration.validate()
        let label = random.nextInt(below: 2)
        var (scene, targets, attempts) = try targetPair(using: &random)
        var distractors: [PathfinderTrace.Contour] = []
        for _ in 0..<configuration.distractorCount {
            for _ in 0...Self.distractorRetries {
                if let contour = distractor(in: &scene, using: &random) {
                    distractors.append(contour)
                    break
                }
            }
        }
        let originTarget = random.nextInt(below: 2)
        let terminalTarget = label == 1 ? originTarget : 1 - originTarget
        let originTip = targets[originTarget].segments[0].start
        let terminalTip = targets[terminalTarget].segments[targets[terminalTarget].segments.count - 1].start
        let originMarker = stamps.marker(at: originTip), terminalMarker = stamps.marker(at: terminalTip)
        var values = scene.image
        for i in values.indices {
            values[i] = max(values[i], Double(max(originMarker[i], terminalMarker[i])) / 255)
        }
        let trace = PathfinderTrace(
            targets: targets.map { PathfinderTrace.Contour(segments: $0.segments) }, distractors: distractors,
            originMarker: originTip, terminalMarker: terminalTip, originTarget: originTarget, targetAttempts: attempts)
        return PathfinderImage(pixels: Self.byteScaled(values), side: Self.side, label: label, trace: trace)
    }

    /// Places the two target contours (`two_snakes`), retrying the whole pair until both seeds
    /// fit and both contours reach full length, extending them in turn.
    private func targetPair(
        using random: inout RandomGenerator
    ) throws -> (PathfinderScene, [PathfinderScene.Growth], Int) {
        let frame = 2 * Self.seedDistance
        attempts: for attempt in 1...configuration.maximumTargetAttempts {
            var scene = PathfinderScene(stamps: stamps)
            guard let first = scene.seed(frame: frame, contrast: Self.targetContrast, using: &random),
                  let second = scene.seed(near: first.segments[0].start, distance: Double(Self.seedDistance),
                                          contrast: Self.targetContrast, using: &random)
            else { continue }
            var snakes = [first, second]
            for _ in 1..<configuration.contourLength {
                for k in 0..<2 {
                    let extended = scene.extend(&snakes[k], contrast: Self.targetContrast, using: &random)
                    if !extended { continue attempts }
                }
            }
            scene.commit(snakes[1].pending)
            return (scene, snakes, attempt)
        }
        throw PathfinderError.generationFailed(contourLength: configuration.contourLength, attempts: configuration.maximumTargetAttempts)
    }

    /// One try at a distractor contour (`make_snake`): a seed anywhere free (none once under 1%
    /// of the pixels are free), then `distractorLength − 1` extensions. On failure the scene is
    /// left as it was and nil is returned.
    private func distractor(in scene: inout PathfinderScene, using random: inout RandomGenerator) -> PathfinderTrace.Contour? {
        guard scene.freeFraction >= PathfinderScene.minimumFreeFraction else { return nil }
        let saved = scene
        guard var growth = scene.seed(frame: 1, contrast: Self.distractorContrast, using: &random) else {
            scene = saved
            return nil
        }
        for _ in 1..<max(configuration.distractorLength, 1) {
            let extended = scene.extend(&growth, contrast: Self.distractorContrast, using: &random)
            if !extended {
                scene = saved
                return nil
            }
        }
        scene.commit(growth.pending)
        return PathfinderTrace.Contour(segments: growth.segments)
    }

    /// scipy's `bytescale` as `imsave` applied it: `(v − min) · 255 / (max − min)`, clipped, plus
    /// 0.5, truncated. The brightest pixel becomes 255.
    static func byteScaled(_ values: [Double]) -> [UInt8] {
        guard let low = values.min(), let high = values.max(), high > low else {
            return [UInt8](repeating: 0, count: values.count)
        }
        let scale = 255 / (high - low)
        return values.map { UInt8(min(max(($0 - low) * scale, 0), 255) + 0.5) }
    }
}
