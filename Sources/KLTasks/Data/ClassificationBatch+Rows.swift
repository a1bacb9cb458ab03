extension ClassificationBatch {
    /// The rows `range` of this batch, padded as they are here (to this batch's `sequenceLength` and
    /// `pairedSequenceLength`, not to their own longest): each rank of a data-parallel step takes its
    /// slice of the global batch this way, so every example reaches the model exactly as it would in
    /// the whole batch.
    public func rows(_ range: Range<Int>) -> ClassificationBatch {
        precondition(range.lowerBound >= 0 && range.upperBound <= batchSize, "rows \(range) outside 0..<\(batchSize)")
        var slice = self
        slice.batchSize = range.count
        slice.tokens = Array(tokens[(range.lowerBound * sequenceLength)..<(range.upperBound * sequenceLength)])
        slice.lengths = Array(lengths[range])
        slice.labels = Array(labels[range])
        slice.exampleIndices = Array(exampleIndices[range])
        if isPaired {
            slice.pairedTokens = Array(pairedTokens[(range.lowerBound * pairedSequenceLength)..<(range.upperBound * pairedSequenceLength)])
            slice.pairedLengths = Array(pairedLengths[range])
        }
        return slice
    }
}
