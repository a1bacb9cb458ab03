import KLTensor

extension SequenceClassifier {
    /// Advances every feature map's random state as one forward pass of the model would (two
    /// encoder passes for a pair model), without computing it: a rank of a sharded evaluation still
    /// draws what the batches it leaves to other ranks draw, so its own batches get the draws a
    /// single process gives them.
    public func advanceFeatureDraws(training: Bool) {
        for _ in 0..<(configuration.pairInputs ? 2 : 1) {
            for map in featureMaps { map.prepareForward(training: training) }
        }
    }
}
