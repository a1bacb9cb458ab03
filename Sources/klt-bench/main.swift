import Foundation

// klt-bench: KLTensor / KLTransformer benchmarks. One subcommand per file (`run<Name>Benchmark`);
// add a case here and a line to `usage` for a new one.

let usage = """
    usage: klt-bench <benchmark> [options]

    benchmarks:
      gemm         square sgemm GFLOP/s: OpenBLAS through GEMM.multiply, the built-in GEMM, and OpenBLAS
                   called directly with its own threads [--sizes 64,128,…] [--threads 1,2] [--trials 5];
                   with --shapes MxNxK[tA][tB],… [--threads N] the built-in GEMM against OpenBLAS on those products
      elementwise  vectorised exp/log/sin/cos/tanh/erf against scalar Foundation [--count N]
      attention    attention forward+backward time and memory against sequence length
                   [--lengths …] [--kernels …] [--features N] [--csv FILE] [--memory-budget GB]
                   [--plot F.svg: log-log time and memory with fitted slopes]
      training     training tokens/s of a classifier for softmax and every kernel
                   [--length 2000] [--batch 32] [--steps 3] [--preset cpu] [--kernels …|grid]
      generation   time per generated token and decoding-state memory against position, every kernel
                   [--positions 128,…,16384] [--kernels …] [--preset cpu] [--vocabulary 2000] [--window 64]
                   [--csv FILE] [--plot F.svg]
      codecs       Fashion-MNIST gzip'd IDX load time and PNG decode/encode images/s on real files
                   [--fashion-mnist DIR] [--pngs DIR (every *.png under it)] [--trials 5]
    """

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "gemm":
    runGEMMBenchmark(arguments: Array(arguments.dropFirst()))
case "elementwise":
    runElementwiseBenchmark(arguments: Array(arguments.dropFirst()))
case "attention":
    runAttentionBenchmark(arguments: Array(arguments.dropFirst()))
case "training":
    runTrainingBenchmark(arguments: Array(arguments.dropFirst()))
case "generation":
    runGenerationBenchmark(arguments: Array(arguments.dropFirst()))
case "codecs":
    runCodecBenchmark(arguments: Array(arguments.dropFirst()))
case "-h", "--help", "help":
    print(usage)
default:
    FileHandle.standardError.write(Data((usage + "\n").utf8))
    exit(2)
}
