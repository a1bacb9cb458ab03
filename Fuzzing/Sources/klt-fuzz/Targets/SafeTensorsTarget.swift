import KLTensor
import KLTraining

extension FuzzTarget {
    /// Safetensors bytes → tensors and metadata (`SafeTensorsFile(bytes:source:)`): the header
    /// length, the JSON header, every dtype's conversion, the layout and checksum checks.
    static let safeTensors = FuzzTarget(
        name: "safetensors", summary: "safetensors bytes → tensors (SafeTensorsFile)", maximumLength: 4096,
        fixtures: [],
        seeds: {
            let written = try SafeTensorsFile(
                tensors: ["a": Tensor(shape: [2, 3], scalars: (0..<6).map(Float.init)), "b": Tensor(shape: [1], scalars: [7])],
                metadata: ["klt.format": "x", "note": "\"quoted\"\n"]
            ).encoded()
            // Without a checksum entry (as other tools write them), so mutations get past it.
            let foreign = SafeTensorsSeed.dtypes.map { dtype, size in
                SafeTensorsSeed.file(#"{"t":{"dtype":"\#(dtype)","shape":[2],"data_offsets":[0,\#(2 * size)]}}"#,
                                     data: (0..<(2 * size)).map { UInt8($0 * 37 & 0xFF) })
            }
            let layouts = [
                SafeTensorsSeed.file(#"{"__metadata__":{"k":"v"},"x":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"y":{"dtype":"U8","shape":[0,5],"data_offsets":[4,4]}}"#,
                                     data: [0, 0, 128, 63]),
                SafeTensorsSeed.file(#"{"a":{"dtype":"I16","shape":[1,2],"data_offsets":[4,8]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}}"#,
                                     data: [1, 2, 3, 4, 5, 6, 7, 8]),
            ]
            return [written] + foreign + layouts
        },
        read: { bytes in _ = try SafeTensorsFile(bytes: bytes, source: "fuzz.safetensors") },
        dictionary: ["\"dtype\":", "\"shape\":", "\"data_offsets\":", "\"__metadata__\":", "\"\(SafeTensorsFile.checksumKey)\":",
                     "fnv1a64-full:", "fnv1a64:", "[]", "{}", "null", "true", "\\u0000"]
            + SafeTensorsSeed.dtypes.map { "\"\($0.0)\"" } + LibFuzzerDictionary.edgeNumbers)
}

/// Hand-made safetensors files for the seeds (the library's writer only writes `F32`).
enum SafeTensorsSeed {
    /// Every dtype the reader converts, with its element size.
    static let dtypes = [("F64", 8), ("F32", 4), ("F16", 2), ("BF16", 2), ("I64", 8), ("I32", 4), ("I16", 2),
                         ("I8", 1), ("U64", 8), ("U32", 4), ("U16", 2), ("U8", 1), ("BOOL", 1)]

    /// The file with JSON header `header` and data buffer `data`.
    static func file(_ header: String, data: [UInt8]) -> [UInt8] {
        let json = Array(header.utf8)
        return withUnsafeBytes(of: UInt64(json.count).littleEndian) { Array($0) } + json + data
    }
}
