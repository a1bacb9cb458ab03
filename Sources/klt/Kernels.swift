import ArgumentParser
import KLTraining
import KLTransformer

/// `klt kernels`: the named attention kernels, one line each, then the random-feature grid: its
/// components, its frequency sources, which pairs are valid, learned or unbiased, and why the
/// invalid ones are refused.
struct Kernels: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the attention kernels (paper names, official aliases) and the COMPONENT+SOURCE grid.")

    func run() {
        func padded(_ text: String, _ width: Int) -> String { text.padding(toLength: width, withPad: " ", startingAt: 0) }
        let width = Kernel.allCases.map(\.rawValue.count).max() ?? 0
        for kernel in Kernel.allCases {
            let alias = kernel.officialName.map { " [\($0)]" } ?? ""
            let learned = kernel.isLearned ? "learned" : "fixed  "
            print("\(padded(kernel.rawValue, width))  \(learned)  \(kernel.summary)\(alias)")
        }
        print("\nThe named kernels on the grid (a preset is that pair with the named kernel's M and draws; an own class")
        print("keeps what the grid does not express):")
        for kernel in Kernel.allCases {
            guard let placement = kernel.gridPlacement else { continue }
            print("  \(padded(kernel.rawValue, width))  \(padded(placement.pair, 24))  \(placement.keeps)")
        }
        let components = RandomFeatureKernel.components, sources = RandomFeatureKernel.sources
        print("\nRandom-feature grid: --kernel COMPONENT+SOURCE (e.g. oprf+orf, posrf+qmc, oprf+fastfood-learned; \(RandomFeatureKernel.all.count) valid pairs);")
        print("--features sets the number of frequencies M (default: 2d features per head); fixed sources are redrawn every 1000 calls,")
        print("learned ones (their random part: ε, Π) every call.")
        print("\nComponents (the kernel each estimates):")
        let componentWidth = components.map(\.name.count).max() ?? 0
        for component in components {
            print("  \(padded(component.name, componentWidth))  \(padded(component.estimatedKernel.rawValue, 8))  \(component.summary)")
        }
        print("\nFrequency sources:")
        let sourceWidth = sources.map(\.name.count).max() ?? 0
        for source in sources {
            let law = source is LearnedSpectrumNoise || source is any LearnedFrequencySource ? "learned"
                : source.isMarginallyGaussian ? "exact  " : "approx "
            print("  \(padded(source.name, sourceWidth))  \(law)  \(source.summary)")
        }
        print("\nPairs (u = unbiased for the component's kernel, b = small bias: structured or discrete rows,")
        print("       L = the kernel is learned and the features estimate it without bias, - = not a valid pair):")
        let names = sources.map(\.name)
        print("  " + padded("", componentWidth) + "  " + names.map { padded($0, max(3, $0.count)) }.joined(separator: " "))
        for component in components {
            let marks = names.map { name -> String in
                let mark = RandomFeatureKernel(named: "\(component.name)+\(name)").map { pair in
                    pair.isLearned ? "L" : pair.bias == nil ? "u" : "b"
                } ?? "-"
                return padded(mark, max(3, name.count))
            }
            print("  \(padded(component.name, componentWidth))  " + marks.joined(separator: " "))
        }
        for source in sources {
            for component in components {
                if let reason = RandomFeatureKernel(component: component, source: source).refusal {
                    print("  - \(component.name)+\(source.name): \(reason)")
                }
            }
        }
    }
}

/// `klt info`: where matrix products and elementwise math run.
struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the compute backend, vector instruction set, threads and MPI.")

    func run() throws {
        let group = try ProcessGroup.world()
        group.running {
            print(BackendDescription.line(for: group))
            print(BackendDescription.mpiLine(for: group))
        }
    }
}
