import Foundation

/// A point label placed next to its point.
struct PlacedLabel {
    var text: String
    /// Where the text is anchored (its baseline).
    var anchor: PixelPoint
    /// `start`, `middle` or `end`.
    var textAnchor: String
    /// The estimated box the text covers.
    var frame: PixelRect
}

/// Greedy placement of point labels: each label takes the first of ten spots around its point that
/// overlaps no marker and no label placed before it, or else the spot that overlaps least; a label
/// that would still cover a quarter of its area of other labels is left out (its point keeps it as a tooltip).
enum LabelPlacement {
    static let fontSize = 10.0

    /// Places `labels` (text and point) avoiding `obstacles`, keeping them inside `bounds` where possible.
    static func place(_ labels: [(text: String, point: PixelPoint)], avoiding obstacles: [PixelRect], within bounds: PixelRect) -> [PlacedLabel] {
        var placed: [PlacedLabel] = []
        let height = fontSize * 1.15, ascent = fontSize * 0.78
        // (anchor x offset, baseline offset, text-anchor): beside the point, then clear of a horizontal
        // error bar, then diagonally, above and below.
        let spots: [(Double, Double, String)] = [
            (6, 3.5, "start"), (-6, 3.5, "end"), (11, 3.5, "start"), (-11, 3.5, "end"),
            (5, -5, "start"), (5, 12, "start"), (-5, -5, "end"), (-5, 12, "end"),
            (0, -7, "middle"), (0, 15, "middle"),
        ]
        for (text, point) in labels {
            let width = TextMetrics.width(of: text, fontSize: fontSize)
            var best: (label: PlacedLabel, labelOverlap: Double)?
            var bestScore = Double.infinity
            for (dx, dy, textAnchor) in spots {
                let anchor = PixelPoint(x: point.x + dx, y: point.y + dy)
                let left = textAnchor == "start" ? anchor.x : textAnchor == "end" ? anchor.x - width : anchor.x - width / 2
                let frame = PixelRect(x: left, y: anchor.y - ascent, width: width, height: height)
                let markerOverlap = obstacles.reduce(0) { $0 + $1.overlapArea(with: frame) }
                let labelOverlap = placed.reduce(0) { $0 + $1.frame.overlapArea(with: frame) }
                let outside = frame.width * frame.height - frame.overlapArea(with: bounds)
                let score = markerOverlap + 2 * labelOverlap + 4 * outside
                if score < bestScore - 1e-9 {
                    bestScore = score
                    best = (PlacedLabel(text: text, anchor: anchor, textAnchor: textAnchor, frame: frame), labelOverlap)
                }
                if score == 0 { break }
            }
            if let best, best.labelOverlap <= 0.25 * width * height {
                placed.append(best.label)
            }
        }
        return placed
    }
}
