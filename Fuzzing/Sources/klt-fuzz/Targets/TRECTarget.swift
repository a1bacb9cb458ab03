import KLTasks

extension FuzzTarget {
    /// TREC question file bytes → question splits (`TRECQuestions.load(from:…)`).
    static let trec = FuzzTarget(
        name: "trec", summary: "TREC question bytes → question splits (TRECQuestions)", maximumLength: 4096,
        fixtures: ["Tests/KLTasksTests/Fixtures/text/sentences/question_labels.txt"],
        seeds: { [] },
        read: { bytes in
            _ = try TRECQuestions.load(from: ScratchFile.write(bytes, to: TRECQuestions.fileName), maximumLength: 32, seed: 1)
        })
}
