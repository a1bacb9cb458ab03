import KLTasks

extension FuzzTarget {
    /// Pathfinder metadata bytes → entries (`PathfinderMetadata(contentsOf:)`): LRA's text lines or a
    /// real NumPy `.npy` array of strings (header versions 1–3, `<U` and `|S` items).
    static let numpy = FuzzTarget(
        name: "numpy", summary: "Pathfinder metadata bytes, text or NumPy .npy → entries (PathfinderMetadata)", maximumLength: 4096,
        fixtures: [
            "Tests/KLTasksTests/Fixtures/pathfinder/metadata_numpy.npy",
            "Tests/KLTasksTests/Fixtures/pathfinder/lra/curv_contour_length_14/metadata/0.npy",
        ],
        seeds: {
            let line = PathfinderMetadata.line(batch: 0, index: 1, label: 1, contourLength: 6, distractorLength: 2)
            let fields = line.split(separator: " ").map(String.init)
            return [
                NumPySeed.file(version: 1, descr: "|S12", rows: [fields]),
                NumPySeed.file(version: 2, descr: "<U12", rows: [fields, fields]),
                NumPySeed.file(version: 3, descr: "<U6", rows: [["imgs/é", "😀.png", "0", "1"]]),
            ]
        },
        read: { bytes in _ = try PathfinderMetadata(contentsOf: ScratchFile.write(bytes, to: "0.npy")) })
}

/// Small `.npy` files of strings for the seeds, laid out as `np.save` writes them.
enum NumPySeed {
    /// A C-ordered 2-D array of `rows` with item type `descr` (`|S<n>`: one byte per character,
    /// `<U<n>`: UTF-32), each item NUL-padded to `n` characters, in format `version`.
    static func file(version: UInt8, descr: String, rows: [[String]]) -> [UInt8] {
        let characters = Int(descr.dropFirst(2))!
        var header = Array("{'descr': '\(descr)', 'fortran_order': False, 'shape': (\(rows.count), \(rows.first?.count ?? 0)), }".utf8)
        let prefix = version == 1 ? 10 : 12
        header += [UInt8](repeating: 0x20, count: (64 - (prefix + header.count + 1) % 64) % 64) + [0x0A]
        var file: [UInt8] = [0x93] + Array("NUMPY".utf8) + [version, 0]
        let length = header.count
        file += version == 1 ? [UInt8(length & 0xFF), UInt8(length >> 8)]
            : [UInt8(length & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 24)]
        file += header
        for item in rows.joined() {
            let units: [UInt32] = descr.hasPrefix("|S") ? item.utf8.map(UInt32.init) : item.unicodeScalars.map(\.value)
            for unit in units.prefix(characters) + [UInt32](repeating: 0, count: max(0, characters - units.count)) {
                file += descr.hasPrefix("|S") ? [UInt8(unit)] : withUnsafeBytes(of: unit.littleEndian) { Array($0) }
            }
        }
        return file
    }
}
