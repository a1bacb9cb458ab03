import Foundation

/// Reading and writing PNG files (ISO/IEC 15948) as 8-bit greyscale images: the chunks and row
/// filters in Swift, the zlib stream and the chunk CRCs by zlib (`Zlib`).
///
/// The decoder reads non-interlaced 8-bit images of colour type 0 (grey), the format of LRA's
/// Pathfinder release, and converts types 4 (grey + alpha), 2 (RGB) and 6 (RGBA) to grey (alpha
/// is dropped; colour uses LRA's `rgb_to_grayscale` weights 0.2989, 0.5870, 0.1140, scaled by
/// 255.5 and truncated as TensorFlow's `convert_image_dtype` does). It checks the CRC of every
/// chunk and the zlib stream's Adler-32, accepts the image data split over any number of `IDAT`
/// chunks, undoes all five row filters, and reports anything else (palette images, other bit
/// depths, Adam7 interlacing, truncation) as a `PNGError` naming the file. The encoder writes
/// 8-bit grey with filter 0 on every row.
public enum PNG {
    /// The eight bytes every PNG file starts with.
    static let signature: [UInt8] = [137, 80, 78, 71, 13, 10, 26, 10]
    /// The most pixels the decoder accepts (bounds the memory a hostile header can claim).
    public static let maximumPixelCount = 1 << 26

    /// Reads and decodes the PNG file at `url`. A missing or unreadable file is a
    /// `DataError.unreadableFile`; bad contents are a `PNGError` with the file's path.
    public static func read(contentsOf url: URL) throws -> GrayImage {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw DataError.unreadableFile(path: url.path, reason: (error as NSError).localizedDescription)
        }
        return try decode([UInt8](data), path: url.path)
    }

    /// Encodes `image` (see `encode(_:compression:)`) and writes it to `url` atomically (see
    /// `AtomicFile`).
    public static func write(_ image: GrayImage, to url: URL, compression: CompressionLevel = .default) throws {
        let bytes = encode(image, compression: compression)
        try AtomicFile.write(Data(bytes), to: url)
    }
}
