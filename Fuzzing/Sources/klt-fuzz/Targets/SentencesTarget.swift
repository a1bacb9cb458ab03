import KLTasks

extension FuzzTarget {
    /// VADER's Rotten Tomatoes file bytes → sentence splits (`SentencePolarity.load(from:…)`), UTF-8
    /// or latin-1.
    static let sentences = FuzzTarget(
        name: "sentences", summary: "Rotten Tomatoes TSV bytes → sentence splits (SentencePolarity)", maximumLength: 4096,
        fixtures: ["Tests/KLTasksTests/Fixtures/text/sentences/movieReviewSnippets_GroundTruth.txt"],
        seeds: { [Array("id\tsentiment\ttext\r\n1\t-1.5\tcaf\u{E9} noir\r\n2\t2\tfine".utf8), [UInt8]("id\tsentiment\ttext\n3\t0.5\tna".utf8) + [0xEF, 0x76, 0x65]] },
        read: { bytes in
            _ = try SentencePolarity.load(from: ScratchFile.write(bytes, to: SentencePolarity.fileName), maximumLength: 32, seed: 1)
        })
}
