import ArgumentParser
import Foundation
import GraphcRuntime

/// Options of the commands that execute a graph (`run`, `bench`).
struct RuntimeOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Weights as a safetensors file named by the graph's variables (see `graphc vars`); without it, seeded initial values.", valueName: "file.safetensors"))
    var weights: String?

    @Option(help: "Threads for OpenBLAS and graphc's kernels (default: all cores).")
    var threads: Int?

    @Option(help: "Seed of the initial weights and generated inputs.")
    var seed: UInt64 = 0

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    func runOptions(reference: Bool = false) -> RunOptions {
        RunOptions(threads: threads ?? ProcessInfo.processInfo.activeProcessorCount, reference: reference)
    }
}

/// Runs `body`, turning file and runtime errors into `graphc: error: ...` and exit status 1.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let e as FileFormatError {
        Stderr.write("graphc: error: \(e)\n")
    } catch let e as RuntimeError {
        Stderr.write("graphc: error: \(e)\n")
    }
    throw ExitCode(1)
}
