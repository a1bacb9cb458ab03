import Foundation
import KLTasks

/// `klt-bench codecs [--fashion-mnist DIR] [--pngs DIR] [--trials 5]`: how fast the data codecs run
/// on real files: loading Fashion-MNIST's four gzip'd IDX files (`IDX.images` and `IDX.labels`, as
/// `klt train --task fashion-mnist` does, plus the whole `FashionMNIST.splits` with tokenisation),
/// and decoding and re-encoding every PNG under a folder (for example one that
/// `klt data pathfinder` wrote). Each time is the best of `--trials` runs after a warm-up; files are
/// read from disk inside the timed IDX load (from the page cache after the warm-up) but into memory
/// before the timed PNG decoding, so the PNG numbers are the codec's alone.
func runCodecBenchmark(arguments: [String]) {
    let trials = BenchmarkArguments.integer("--trials", in: arguments) ?? 5
    let fashion = BenchmarkArguments.value("--fashion-mnist", in: arguments)
    let pngs = BenchmarkArguments.value("--pngs", in: arguments)
    guard fashion != nil || pngs != nil else {
        FileHandle.standardError.write(Data("klt-bench codecs: give --fashion-mnist DIR and/or --pngs DIR\n".utf8))
        exit(2)
    }
    print("| codec benchmark (best of \(trials)) | time | rate |")
    print("|---|---|---|")
    do {
        if let fashion { try benchmarkFashionMNIST(URL(fileURLWithPath: fashion), trials: trials) }
        if let pngs { try benchmarkPNGs(URL(fileURLWithPath: pngs), trials: trials) }
    } catch {
        FileHandle.standardError.write(Data("klt-bench codecs: \(error)\n".utf8))
        exit(1)
    }
}

/// Times loading the four IDX files, then the whole split with tokens.
private func benchmarkFashionMNIST(_ directory: URL, trials: Int) throws {
    let files = try FashionMNIST.locate(in: directory)
    var bytes = 0
    var failure: (any Error)?
    let load = BenchmarkTimer.best(of: trials) {
        do {
            let train = try IDX.images(contentsOf: files.trainImages), test = try IDX.images(contentsOf: files.testImages)
            let labels = try IDX.labels(contentsOf: files.trainLabels).count + IDX.labels(contentsOf: files.testLabels).count
            bytes = train.pixels.count + test.pixels.count + labels
        } catch {
            failure = error
        }
    }
    if let failure { throw failure }
    print("| Fashion-MNIST: 4 gzip'd IDX files → pixels and labels (\(bytes) bytes) | \(format(load * 1000, decimals: 1)) ms | \(format(Double(bytes) / load / 1e6, decimals: 0)) MB/s decompressed |")
    let splits = BenchmarkTimer.best(of: max(1, trials / 2)) {
        do { _ = try FashionMNIST.splits(in: directory) } catch { failure = error }
    }
    if let failure { throw failure }
    print("| Fashion-MNIST: `FashionMNIST.splits` (load + 70,000 × 1,024 tokens) | \(format(splits * 1000, decimals: 1)) ms | |")
}

/// Times decoding every `.png` under `directory` (read into memory first), then encoding the images.
private func benchmarkPNGs(_ directory: URL, trials: Int) throws {
    guard let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else {
        throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: directory.path])
    }
    let urls = walker.compactMap { $0 as? URL }.filter { $0.pathExtension == "png" }.sorted { $0.path < $1.path }
    let files = try urls.map { [UInt8](try Data(contentsOf: $0)) }
    guard !files.isEmpty else { throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: directory.path + "/**/*.png"]) }
    var images: [GrayImage] = []
    var failure: (any Error)?
    let decode = BenchmarkTimer.best(of: trials) {
        do { images = try files.map { try PNG.decode($0) } } catch { failure = error }
    }
    if let failure { throw failure }
    let fileBytes = files.reduce(0) { $0 + $1.count }
    let pixels = images.reduce(0) { $0 + $1.pixels.count }
    print("| PNG decode: \(files.count) files, \(fileBytes) bytes → \(pixels) pixels | \(format(decode * 1000, decimals: 1)) ms | \(format(Double(files.count) / decode, decimals: 0)) images/s |")
    var encodedBytes = 0
    let encode = BenchmarkTimer.best(of: trials) {
        encodedBytes = images.reduce(0) { $0 + PNG.encode($1).count }
    }
    print("| PNG encode (default options): \(images.count) images → \(encodedBytes) bytes | \(format(encode * 1000, decimals: 1)) ms | \(format(Double(images.count) / encode, decimals: 0)) images/s |")
}
