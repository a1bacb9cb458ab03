/// Whether ops record their history for `backward()`.
///
/// Recording is on by default. Evaluation code wraps itself in `withoutGradients { … }` so that
/// nothing is recorded and no activation is kept alive. The flag is task-local, so concurrent tasks
/// (and the threads of one task) each see their own setting.
public enum GradientRecording {
    @TaskLocal static var isEnabled = true

    /// True while ops record history.
    public static var isActive: Bool { isEnabled }
}

/// Runs `body` with gradient recording off: ops inside return tensors with no history.
public func withoutGradients<R>(_ body: () throws -> R) rethrows -> R {
    try GradientRecording.$isEnabled.withValue(false, operation: body)
}
