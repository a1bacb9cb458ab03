import Foundation
import KLTasks
import KLTestSupport

/// Writes tiny, learnable data sets in each task's real file format (the files `klt train --task T
/// --data-dir DIR` reads), so `TaskSmokeTests` can train through the real loaders with no network
/// and no committed data.
///
/// Every set is a pure function of its seed. The labels follow a simple rule a tiny model can pick
/// up in a few hundred steps (a grey level, a sentiment word, a topic vocabulary, a question word,
/// a shared topic), but each example also carries random filler, so the rule has to be learned,
/// not read off at initialisation. (Pathfinder is not written here: `TaskSmokeTests` uses the
/// real generator.)
enum TaskFixtureWriter {
    // MARK: Randomness

    /// A deterministic stream (SplitMix64, `TestData`) with the few draws the writers need.
    struct Draws {
        var data: TestData
        init(seed: UInt64) { data = TestData(seed: seed) }
        /// Uniform in `0 ..< bound`.
        mutating func int(below bound: Int) -> Int { Int(data.nextUInt64() % UInt64(bound)) }
        /// Uniform in `range`.
        mutating func int(in range: ClosedRange<Int>) -> Int { range.lowerBound + int(below: range.count) }
        /// A uniformly chosen element.
        mutating func pick<T>(_ items: [T]) -> T { items[int(below: items.count)] }
        /// `count` words from `vocabulary`, with `inserted` placed at random positions among them.
        mutating func sentence(_ count: Int, from vocabulary: [String], inserting inserted: [String] = []) -> String {
            var words = (0..<count).map { _ in pick(vocabulary) }
            for word in inserted { words.insert(word, at: int(below: words.count + 1)) }
            return words.joined(separator: " ")
        }
    }

    /// Neutral words shared by every class of the text sets (no class-specific letters matter:
    /// the byte-level model has to find the class words among them).
    static let filler = ["the", "a", "movie", "story", "this", "was", "and", "it", "is", "of", "plot", "cast",
                         "scene", "really", "quite", "then", "some", "more", "one", "time"]

    // MARK: Files

    /// Creates `directory` (and its parents).
    static func makeDirectory(_ directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Writes `text` as UTF-8 to `url`, creating the parent directory.
    static func write(_ text: String, to url: URL) throws {
        try makeDirectory(url.deletingLastPathComponent())
        try Data(text.utf8).write(to: url)
    }

    /// Writes raw bytes to `url`, creating the parent directory.
    static func write(_ bytes: [UInt8], to url: URL) throws {
        try makeDirectory(url.deletingLastPathComponent())
        try Data(bytes).write(to: url)
    }

    // MARK: ListOps

    /// LRA's ListOps sampler with a short window and flat trees: one operator over two or three
    /// digits (`[MAX 3 8 ]`, 4–6 tokens), which a tiny model learns in a few hundred steps (with
    /// deeper trees, maxDepth 3 and 5 < length < 40, it stays below 0.4 after 300). Still the real
    /// generator, its file format and its tokenizer.
    static func listOpsConfiguration(seed: UInt64) -> ListOpsGenerator.Configuration {
        ListOpsGenerator.Configuration(maxDepth: 2, maxArguments: 4, minLength: 3, maxLength: 10,
                                       trainCount: 240, validationCount: 24, testCount: 24, seed: seed)
    }

    /// Writes `basic_{train,val,test}.tsv` into `directory` with `ListOpsSplits.write(to:)`.
    static func writeListOps(to directory: URL, configuration: ListOpsGenerator.Configuration) throws {
        try ListOpsGenerator(configuration: configuration).generate().write(to: directory)
    }

    // MARK: Images

    /// A `side × side` grey image of class `label`: every pixel near the class's grey level
    /// (`24 + 40·label`, ±4 of noise), so the class is in the pixel values, spread over all of them.
    static func greyImage(label: Int, side: Int, draws: inout Draws) -> [UInt8] {
        let level = 24 + 40 * label
        return (0..<(side * side)).map { _ in UInt8(clamping: level + draws.int(in: -4...4)) }
    }

    /// `count` labels drawn uniformly from `0 ..< classes`.
    static func labels(_ count: Int, classes: Int, draws: inout Draws) -> [Int] {
        (0..<count).map { _ in draws.int(below: classes) }
    }

    /// Writes CIFAR-10's binary release into `directory/cifar-10-batches-bin`: `data_batch_1…5.bin`
    /// with `perBatch` records each and `test_batch.bin` with `testCount`, each record a label byte
    /// and three 1,024-byte planes (red, green, blue). Labels are drawn from the first `classes`
    /// classes; the three planes are equal, so the grey image is the class image.
    static func writeCIFAR10(to directory: URL, perBatch: Int, testCount: Int, classes: Int, seed: UInt64) throws {
        var draws = Draws(seed: seed)
        let folder = directory.appendingPathComponent(CIFAR10.batchDirectoryName)
        func batch(_ count: Int) -> [UInt8] {
            var bytes: [UInt8] = []
            for label in labels(count, classes: classes, draws: &draws) {
                let grey = greyImage(label: label, side: 32, draws: &draws)
                bytes.append(UInt8(label))
                for _ in 0..<3 { bytes += grey }
            }
            return bytes
        }
        for name in CIFAR10.trainFileNames { try write(batch(perBatch), to: folder.appendingPathComponent(name)) }
        try write(batch(testCount), to: folder.appendingPathComponent(CIFAR10.testFileName))
    }

    /// An IDX image file (magic 2051, count, rows, columns, big-endian; then the pixels).
    static func idxImages(_ images: [[UInt8]], rows: Int, columns: Int) -> [UInt8] {
        bigEndian(IDX.imageMagic) + bigEndian(UInt32(images.count)) + bigEndian(UInt32(rows)) + bigEndian(UInt32(columns))
            + images.flatMap { $0 }
    }

    /// An IDX label file (magic 2049, count; then the labels).
    static func idxLabels(_ labels: [Int]) -> [UInt8] {
        bigEndian(IDX.labelMagic) + bigEndian(UInt32(labels.count)) + labels.map { UInt8($0) }
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    /// Writes the four Fashion-MNIST IDX files (uncompressed, 28×28, labels from the first
    /// `classes` classes) into `directory`.
    static func writeFashionMNIST(to directory: URL, trainCount: Int, testCount: Int, classes: Int, seed: UInt64) throws {
        var draws = Draws(seed: seed)
        let names = FashionMNIST.fileNames
        for (count, imagesName, labelsName) in [(trainCount, names.trainImages, names.trainLabels),
                                                (testCount, names.testImages, names.testLabels)] {
            let labels = labels(count, classes: classes, draws: &draws)
            let images = labels.map { greyImage(label: $0, side: 28, draws: &draws) }
            try write(idxImages(images, rows: 28, columns: 28), to: directory.appendingPathComponent(imagesName))
            try write(idxLabels(labels), to: directory.appendingPathComponent(labelsName))
        }
    }

    // MARK: IMDb

    /// Writes `aclImdb/{train,test}/{pos,neg}/<id>_<rating>.txt`: short reviews of filler words,
    /// positive ones (rating 7–10) containing "great", negative ones (1–4) "awful".
    static func writeIMDb(to directory: URL, trainPerClass: Int, testPerClass: Int, seed: UInt64) throws {
        var draws = Draws(seed: seed)
        let root = directory.appendingPathComponent("aclImdb")
        for (split, count) in [("train", trainPerClass), ("test", testPerClass)] {
            for (folder, word, ratings) in [("pos", "great", 7...10), ("neg", "awful", 1...4)] {
                for id in 0..<count {
                    let review = draws.sentence(draws.int(in: 5...9), from: filler, inserting: [word]) + "."
                    let name = "\(id)_\(draws.int(in: ratings)).txt"
                    try write(review, to: root.appendingPathComponent(split).appendingPathComponent(folder).appendingPathComponent(name))
                }
            }
        }
        // Entries the loader must ignore.
        try write("http://example.com/\n", to: root.appendingPathComponent("train/urls_pos.txt"))
        try write("an unlabelled review\n", to: root.appendingPathComponent("train/unsup/0_0.txt"))
    }

    // MARK: 20 Newsgroups (Orange .tab)

    /// Newsgroups with disjoint topic vocabularies.
    static let newsgroupTopics: [(group: String, words: [String])] = [
        ("comp.graphics", ["pixel", "render", "bitmap", "polygon", "shader", "image"]),
        ("rec.autos", ["engine", "brake", "clutch", "sedan", "tire", "car"]),
        ("sci.space", ["orbit", "rocket", "launch", "moon", "nasa", "shuttle"]),
        ("talk.politics.misc", ["vote", "senate", "policy", "election", "tax", "law"]),
    ]

    /// The shape of the generated newsgroup documents.
    struct NewsgroupStyle {
        /// How many of the group's words each document contains.
        var topicWords = 3
        /// How many of the group's six words are used.
        var vocabulary = 6
        /// How many filler words surround them.
        var filler: ClosedRange<Int> = 3...6
    }

    /// A document of `group` in `style`: filler words with some of the group's words among them.
    static func newsgroupDocument(group: Int, style: NewsgroupStyle, draws: inout Draws) -> String {
        let words = Array(newsgroupTopics[group].words.prefix(style.vocabulary))
        return draws.sentence(draws.int(in: style.filler), from: filler, inserting: (0..<style.topicWords).map { _ in draws.pick(words) })
    }

    /// Writes `20newsgroups-train.tab` and `20newsgroups-test.tab` (Orange's three header lines,
    /// a blank line, then `category\ttext` rows in a shuffled group order) using the first
    /// `groups` topics.
    static func writeNewsgroups(to directory: URL, trainPerGroup: Int, testPerGroup: Int, groups: Int,
                                style: NewsgroupStyle = NewsgroupStyle(), seed: UInt64) throws {
        var draws = Draws(seed: seed)
        for (name, perGroup) in [(NewsgroupsCorpus.fileNames.train, trainPerGroup), (NewsgroupsCorpus.fileNames.test, testPerGroup)] {
            var rows = (0..<groups).flatMap { group in (0..<perGroup).map { _ in group } }
            for index in rows.indices.reversed() { rows.swapAt(index, draws.int(below: index + 1)) }
            var text = "Category\tText\nd\tstring\nclass\t\n\n"
            for group in rows { text += "\(newsgroupTopics[group].group)\t\(newsgroupDocument(group: group, style: style, draws: &draws))\n" }
            try write(text, to: directory.appendingPathComponent(name))
        }
    }

    // MARK: AAN retrieval

    /// Topic words of the AAN-style pairs.
    static let paperTopics = ["parsing", "speech", "summarization"]

    /// Writes `new_aan_pairs.{train,eval,test}.tsv`: `label\tid1\tid2\ttext1\ttext2`, no header;
    /// each text is 1–3 filler words and its topic word three times, and the label is 1 (written
    /// `1.0`, as LRA's files do) exactly when the two texts share their topic. Half the pairs match.
    ///
    /// Each topic is as common among matching as among other pairs, so one text alone says nothing
    /// about the label: the dual encoder has to compare the two. That is slow to learn from the
    /// concatenated encodings, hence texts dominated by a single topic word.
    static func writeAAN(to directory: URL, counts: (train: Int, validation: Int, test: Int), seed: UInt64) throws {
        var draws = Draws(seed: seed)
        let names = AANDataset.fileNames
        var paper = 0
        for (name, count) in [(names.train, counts.train), (names.validation, counts.validation), (names.test, counts.test)] {
            var text = ""
            for index in 0..<count {
                let label = index % 2
                let first = draws.int(below: paperTopics.count)
                let second = label == 1 ? first : (first + 1 + draws.int(below: paperTopics.count - 1)) % paperTopics.count
                func abstract(_ topic: Int) -> String {
                    draws.sentence(draws.int(in: 1...3), from: filler, inserting: [String](repeating: paperTopics[topic], count: 3))
                }
                text += "\(label).0\tP\(paper)\tP\(paper + 1)\t\(abstract(first))\t\(abstract(second))\n"
                paper += 2
            }
            try write(text, to: directory.appendingPathComponent(name))
        }
    }

    // MARK: Rotten Tomatoes (VADER ground truth)

    /// Writes `movieReviewSnippets_GroundTruth.txt`: the header `id\tsentiment\ttext`, `\r\n` line
    /// ends, mean valence in −4…+4. Positive snippets contain "wonderful", negative ones "boring";
    /// a few neutral (valence 0) lines that the loader drops.
    static func writeSentences(to directory: URL, count: Int, seed: UInt64) throws {
        var draws = Draws(seed: seed)
        var text = "id\tsentiment\ttext\r\n"
        for id in 1...count {
            let positive = draws.int(below: 2) == 1
            let valence = Double(draws.int(in: 2...35)) / 10 * (positive ? 1 : -1)
            let snippet = draws.sentence(draws.int(in: 3...6), from: filler, inserting: [positive ? "wonderful" : "boring"])
            text += "\(id)_\(id)\t\(valence)\t\(snippet)\r\n"
        }
        for id in (count + 1)...(count + 3) {
            text += "\(id)_\(id)\t0.0\t\(draws.sentence(5, from: filler))\r\n"
        }
        try write(text, to: directory.appendingPathComponent(SentencePolarity.fileName))
    }

    // MARK: TREC

    /// A question template per coarse class (`TRECQuestions.classes` order), with its fine label.
    static let questionTemplates: [(fine: String, start: String)] = [
        ("abb", "What does the abbreviation"),     // ABBR
        ("reason", "Why"),                          // DESC
        ("animal", "Which animal"),                 // ENTY
        ("ind", "Who"),                             // HUM
        ("city", "Where"),                          // LOC
        ("count", "How many"),                      // NUM
    ]

    /// Writes `question_labels.txt`: `COARSE:fine question` lines, the class given by the
    /// question's opening words, the rest filler; some lines repeated (the loader keeps the first).
    static func writeTREC(to directory: URL, count: Int, seed: UInt64) throws {
        var draws = Draws(seed: seed)
        var lines: [String] = []
        for _ in 0..<count {
            let label = draws.int(below: TRECQuestions.classes.count)
            let template = questionTemplates[label]
            let question = template.start + " " + draws.sentence(draws.int(in: 3...6), from: filler) + " ?"
            lines.append("\(TRECQuestions.classes[label]):\(template.fine) \(question)")
            if draws.int(below: 10) == 0 { lines.append(lines[lines.count - 1]) }
        }
        try write(lines.joined(separator: "\n") + "\n", to: directory.appendingPathComponent(TRECQuestions.fileName))
    }

    // MARK: SMS spam

    /// Writes `sms-spam.csv`: spam messages open with a prize word, ham with a greeting, the rest
    /// filler; some quoted with a comma inside, as the real file's are.
    static func writeSMSSpam(to directory: URL, count: Int, seed: UInt64) throws {
        var draws = Draws(seed: seed)
        var lines = [",spam,text"]
        for index in 0..<count {
            let spam = draws.int(below: 2)
            let text = (spam == 1 ? "WINNER claim your prize" : "hey see you later") + " " + draws.sentence(draws.int(in: 2...5), from: filler)
            lines.append("\(index),\(spam)," + (index % 3 == 0 ? "\"\(text), ok\"" : text))
        }
        try write(lines.joined(separator: "\n") + "\n", to: directory.appendingPathComponent(SMSSpam.fileName))
    }
}
