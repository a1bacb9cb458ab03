/// The sequence lengths LRA and its follow-ups use for byte-level text, as named presets for the
/// loaders' `maximumLength` (and AAN's byte cut).
///
/// LRA's code and its paper disagree for Text (1,000 in the config, 4K in the table; most later
/// work, Nyströmformer and S4 among them, uses 4,096), so both are here and neither is implied.
public enum ByteTextLength {
    /// 1,000 tokens: `max_length` in LRA's text-classification config.
    public static let lraCode = 1000
    /// 4,000 tokens: the length in the LRA paper's table for Text.
    public static let lraPaper = 4000
    /// 4,000 tokens per document: LRA's Retrieval `max_length` (8,000 for the pair).
    public static let retrievalDocument = 4000
    /// 10,000 bytes: LRA cuts each Retrieval text to its first 10,000 bytes before encoding.
    public static let retrievalByteCut = 10_000
    /// 256 tokens: enough for single sentences and questions (3 of the 10,568 Rotten Tomatoes
    /// sentences of the VADER file are longer, by a few bytes; TREC questions have at most 196).
    public static let sentence = 256
}
