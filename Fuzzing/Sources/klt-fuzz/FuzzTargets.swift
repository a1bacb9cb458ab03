extension FuzzTarget {
    /// Every target, in the order `scripts/fuzz.sh` runs them: the binary readers, then the text ones.
    static let all: [FuzzTarget] = [
        .safeTensors, .checkpoint, .png, .idx, .cifar10, .numpy,
        .tsv, .aan, .imdb, .newsgroups, .sentences, .trec, .sweep,
    ]

    /// The target called `name`, if there is one.
    static func named(_ name: String) -> FuzzTarget? {
        all.first { $0.name == name }
    }
}
