import Foundation
import KLTasks

extension FuzzTarget {
    /// LRA two-column TSV bytes → rows (`TSVDataset(contentsOf:classCount:requiresHeader:)`), with and
    /// without a required header; read from a file, as the reader only reads files.
    static let tsv = FuzzTarget(
        name: "tsv", summary: "ListOps TSV bytes → rows (TSVDataset)", maximumLength: 4096,
        fixtures: [],
        seeds: {
            let url = ScratchFile.directory.appendingPathComponent("seed.tsv")
            defer { try? FileManager.default.removeItem(at: url) }
            try TSVDataset.write([("( [MAX 2 9 ( [MIN 4 7 ] ) 0 ] )", 9), ("[SM 1 2 3]", 6)], to: url)
            let windows = Array("\u{FEFF}Source\tTarget\r\n[MED 3 5 ]\t 4 \r\n\r\n".utf8)
            return [try [UInt8](Data(contentsOf: url)), windows]
        },
        read: { bytes in
            let url = try ScratchFile.write(bytes, to: "fuzz.tsv")
            try anyOf([true, false].map { requiresHeader in
                { _ = try TSVDataset(contentsOf: url, classCount: 10, requiresHeader: requiresHeader) }
            })
        })
}
