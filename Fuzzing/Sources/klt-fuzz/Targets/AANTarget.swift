import KLTasks

extension FuzzTarget {
    /// LRA Retrieval (AAN) TSV bytes → pair examples (`AANDataset.examples(contentsOf:…)`), with
    /// short cuts so that the byte cut and the token truncation are both reached.
    static let aan = FuzzTarget(
        name: "aan", summary: "AAN retrieval TSV bytes → pair examples (AANDataset)", maximumLength: 4096,
        fixtures: [
            "Tests/KLTasksTests/Fixtures/text/aan/new_aan_pairs.train.tsv",
            "Tests/KLTasksTests/Fixtures/text/aan/new_aan_pairs.eval.tsv",
        ],
        seeds: { [] },
        read: { bytes in
            let url = try ScratchFile.write(bytes, to: AANDataset.fileNames.train)
            _ = try AANDataset.examples(contentsOf: url, maximumLength: 24, byteCut: 32)
        })
}
