import KLTasks

extension FuzzTarget {
    /// PNG bytes → a grey image (`PNG.decode`): chunks and their CRCs, the header, the zlib stream
    /// (zlib's inflate through our bounded `Inflater`, which has no target of its own: it is internal,
    /// and gzip streams reach it through the `idx` target), the five row filters and the colour
    /// conversions.
    static let png = FuzzTarget(
        name: "png", summary: "PNG bytes → grey image (PNG.decode)", maximumLength: 16_384,
        fixtures: [
            "Tests/KLTasksTests/Fixtures/pathfinder/filters.png",
            "Tests/KLTasksTests/Fixtures/pathfinder/rgb.png",
            "Tests/KLTasksTests/Fixtures/pathfinder/lra/curv_contour_length_14/imgs/0/sample_0.png",
            "Tests/KLTasksTests/Fixtures/pathfinder/lra/curv_contour_length_14/imgs/0/sample_2.png",
        ],
        seeds: {
            let image = GrayImage(width: 7, height: 5, pixels: (0..<35).map { UInt8($0 * 29 & 0xFF) })
            return [PNG.encode(image, compression: .stored), PNG.encode(image, compression: .default)]
        },
        read: { bytes in _ = try PNG.decode(bytes, path: "fuzz.png") })
}
