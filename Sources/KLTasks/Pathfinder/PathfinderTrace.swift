/// Where a generated Pathfinder image's contours and markers are: the generator's record of its
/// geometry, so tests and tools can check the image against the spec without image analysis.
public struct PathfinderTrace: Hashable, Sendable, Codable {
    /// One dash (paddle) of a contour.
    public struct Segment: Hashable, Sendable, Codable {
        /// The point the dash is drawn from: the seed's tail for the first dash, the sampled head
        /// on the step circle for the others.
        public var start: PathfinderPoint
        /// The contour's growth direction at this dash, in radians (0 right, π/2 down): the seed's
        /// orientation, or for later dashes the direction from `pivot` to `start`. The dash itself
        /// points from `start` back towards `pivot` (except the seed, which points this way).
        public var orientation: Double
        /// The pivot: for the seed, the point one step behind the tail; for later dashes, the
        /// point 4 px (`translate` with `ceil`) beyond the previous pivot, around which the head
        /// was sampled at radius 3.
        public var pivot: PathfinderPoint

        /// A segment from its fields.
        public init(start: PathfinderPoint, orientation: Double, pivot: PathfinderPoint) {
            self.start = start
            self.orientation = orientation
            self.pivot = pivot
        }
    }

    /// One contour: its dashes from the seed outwards.
    public struct Contour: Hashable, Sendable, Codable {
        /// The dashes in drawing order; `segments[0]` is the seed.
        public var segments: [Segment]

        /// A contour from its dashes.
        public init(segments: [Segment]) {
            self.segments = segments
        }

        /// The origin tip: the seed dash's tail.
        public var origin: PathfinderPoint? { segments.first?.start }
        /// The terminal tip: the last dash's head (for a one-dash contour, its tail).
        public var terminal: PathfinderPoint? { segments.last?.start }
    }

    /// The two target contours, in generation order.
    public var targets: [Contour]
    /// The distractor contours that were placed (failed ones are dropped, as in the original).
    public var distractors: [Contour]
    /// The centre of the marker on an origin tip (near the image centre).
    public var originMarker: PathfinderPoint
    /// The centre of the marker on a terminal tip.
    public var terminalMarker: PathfinderPoint
    /// Which target carries the origin marker (0 or 1); the terminal marker is on the same one
    /// for a positive image, the other for a negative.
    public var originTarget: Int
    /// How many attempts the target pair needed (1 when the first fitted).
    public var targetAttempts: Int

    /// A trace from its fields.
    public init(targets: [Contour], distractors: [Contour], originMarker: PathfinderPoint,
                terminalMarker: PathfinderPoint, originTarget: Int, targetAttempts: Int) {
        self.targets = targets
        self.distractors = distractors
        self.originMarker = originMarker
        self.terminalMarker = terminalMarker
        self.originTarget = originTarget
        self.targetAttempts = targetAttempts
    }
}
