import KLTasks

// The library's deflate entry points are all in this one file, so a change of codec (zlib in place
// of the Swift inflater) is retargeted here alone.

extension FuzzTarget {
    /// Compressed bytes → their decompression, in all three wrappings (`Inflate`): each input is
    /// tried as a raw deflate stream, a zlib stream and a gzip file, and its first 16 bytes as gzip
    /// (how the IDX reader inflates a header), each with an output limit as every reader sets one.
    static let inflate = FuzzTarget(
        name: "inflate", summary: "deflate, zlib and gzip bytes → decompressed bytes (Inflate)", maximumLength: 8192,
        fixtures: [
            "Tests/KLTasksTests/Fixtures/pathfinder/lorem.txt.gz",
            "Tests/KLTasksTests/Fixtures/images/idx/images-idx3-ubyte.gz",
            "Tests/KLTasksTests/Fixtures/images/idx/labels-idx1-ubyte.gz",
            "Tests/KLTasksTests/Fixtures/images/fashion-mnist/train-images-idx3-ubyte.gz",
        ],
        seeds: {
            let text = Array("the quick brown fox jumps over the lazy dog; the quick brown fox jumps again".utf8)
            let repeats = [UInt8](repeating: 7, count: 600) + (0..<200).map { UInt8($0) }
            return [text, repeats].flatMap { bytes in
                [Deflate.compress(bytes, method: .stored), Deflate.compress(bytes, method: .fixedHuffman),
                 Deflate.zlib(bytes, method: .stored), Deflate.zlib(bytes, method: .fixedHuffman)]
            }
        },
        read: { bytes in
            let limit = 1 << 20
            try anyOf([
                { _ = try Inflate.decompress(deflate: bytes, limit: limit) },
                { _ = try Inflate.decompress(zlib: bytes, limit: limit) },
                { _ = try Inflate.decompress(gzip: bytes, limit: limit) },
                { _ = try Inflate.prefix(gzip: bytes, count: 16) },
            ])
        })
}
