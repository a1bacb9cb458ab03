/// Checks of the parameters the text loaders take (lengths, split fractions), so a bad value is
/// reported as `DataError.invalidConfiguration` naming the parameter instead of crashing or
/// silently producing empty splits.
enum TextParameters {
    /// Throws `DataError.invalidConfiguration` unless every fraction is in `[0, 1)` and they sum to
    /// less than 1 (the remainder, the training set, must not vanish).
    static func check(fractions: [(name: String, value: Double)]) throws {
        for (name, value) in fractions where !(value >= 0 && value < 1) {
            throw DataError.invalidConfiguration("\(name) must be in [0, 1), got \(value)")
        }
        let total = fractions.reduce(0) { $0 + $1.value }
        guard total < 1 else {
            throw DataError.invalidConfiguration("\(fractions.map(\.name).joined(separator: " + ")) must be below 1, got \(total)")
        }
    }

    /// Throws `DataError.invalidConfiguration` unless `maximumLength` is positive.
    static func check(maximumLength: Int, name: String = "maximumLength") throws {
        guard maximumLength > 0 else {
            throw DataError.invalidConfiguration("\(name) must be positive, got \(maximumLength)")
        }
    }
}
