import KLTasks

extension FuzzTarget {
    /// Orange `.tab` bytes → the 20 Newsgroups corpus and its splits (`OrangeTextTable` through
    /// `NewsgroupsCorpus(train:test:)`, then `NewsgroupsDataset.splits(of:…)`); the input is both the
    /// training and the test file.
    static let newsgroups = FuzzTarget(
        name: "newsgroups", summary: "Orange .tab bytes → 20 Newsgroups splits (OrangeTextTable, NewsgroupsCorpus)", maximumLength: 4096,
        fixtures: [
            "Tests/KLTasksTests/Fixtures/text/newsgroups/20newsgroups-train.tab",
            "Tests/KLTasksTests/Fixtures/text/newsgroups/20newsgroups-test.tab",
        ],
        seeds: { [] },
        read: { bytes in
            let url = try ScratchFile.write(bytes, to: NewsgroupsCorpus.fileNames.train)
            let corpus = try NewsgroupsCorpus(train: url, test: url)
            _ = try NewsgroupsDataset.splits(of: corpus, maximumLength: 32, validationFraction: 0.25, seed: 1)
        })
}
