import ArgumentParser
import KLTransformer

/// `klt kernels`: the attention kernels, one line each.
struct Kernels: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the attention kernels (paper names, official aliases).")

    func run() {
        let width = Kernel.allCases.map(\.rawValue.count).max() ?? 0
        for kernel in Kernel.allCases {
            let alias = kernel.officialName.map { " [\($0)]" } ?? ""
            let learned = kernel.isLearned ? "learned" : "fixed  "
            print("\(kernel.rawValue.padding(toLength: width, withPad: " ", startingAt: 0))  \(learned)  \(kernel.summary)\(alias)")
        }
    }
}

/// `klt info`: where matrix products and elementwise math run.
struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the compute backend, vector instruction set and threads.")

    func run() {
        print(BackendDescription.line)
    }
}
