/// The four ListOps operators of LRA's `basic` task, in LRA's `OPERATORS` order (`[MIN`, `[MAX`,
/// `[MED`, `[SM`); the generator picks one with `nextInt(below: 4)` over `allCases`, so the order
/// is part of the seeded output.
///
/// LRA also defines `[FIRST` and `[LAST`, but leaves them out of the released task, as we do.
public enum ListOpsOperator: Int, CaseIterable, Sendable, Hashable, Codable {
    /// `[MIN`: the smallest argument.
    case minimum
    /// `[MAX`: the largest argument.
    case maximum
    /// `[MED`: `int(np.median(arguments))`, so an even count takes the mean of the two middle
    /// values and truncates it (median of 3 and 4 is 3).
    case median
    /// `[SM`: the sum of the arguments modulo 10.
    case sumModulo10

    /// The token as it appears in LRA sources (`[MIN`, `[MAX`, `[MED`, `[SM`).
    public var token: String {
        switch self {
        case .minimum: return "[MIN"
        case .maximum: return "[MAX"
        case .median: return "[MED"
        case .sumModulo10: return "[SM"
        }
    }

    /// The operator spelled `token`, or nil for any other text (including LRA's unused `[FIRST`
    /// and `[LAST`).
    public init?(token: some StringProtocol) {
        switch token {
        case "[MIN": self = .minimum
        case "[MAX": self = .maximum
        case "[MED": self = .median
        case "[SM": self = .sumModulo10
        default: return nil
        }
    }

    /// The operator applied to `arguments` (digits 0–9, at least one), exactly as LRA's
    /// `to_value` computes it; the result is again a digit 0–9.
    public func apply(to arguments: some Collection<Int>) -> Int {
        precondition(!arguments.isEmpty, "a ListOps operator needs at least one argument")
        switch self {
        case .minimum:
            return arguments.min()!
        case .maximum:
            return arguments.max()!
        case .median:
            let sorted = arguments.sorted()
            let middle = sorted.count / 2
            // np.median of an even count is the mean of the two middle values; int() truncates
            // it, which for non-negative values is the floor, i.e. integer division.
            return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        case .sumModulo10:
            return arguments.reduce(0, +) % 10
        }
    }
}
