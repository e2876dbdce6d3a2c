import ArgumentParser
import Foundation
import GraphcCompiler
import GraphcFormats
import GraphcIR
import GraphcONNX
import GraphcPasses
import GraphcRuntime

/// Options of the commands that execute a graph (`run`, `bench`).
struct RuntimeOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Weights as a safetensors file named by the graph's variables (see `graphc vars`); without it, seeded initial values.", valueName: "file.safetensors"))
    var weights: String?

    @Option(parsing: .unconditional, help: "Threads each kernel splits its work across, GEMMs included (default: all cores).")
    var threads: Int?

    @Option(parsing: .unconditional, help: "Seed of the initial weights and generated inputs.")
    var seed: UInt64 = 0

    @Flag(help: "Give every intermediate its own buffer (for debugging the planner).")
    var noReuse = false

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    func runOptions(reference: Bool = false) -> RunOptions {
        RunOptions(threads: threads ?? ProcessInfo.processInfo.activeProcessorCount, reference: reference)
    }
}

/// Which optimizer passes run (Docs/Passes.md).
struct OptimizationOptions: ParsableArguments {
    @Option(name: .customShort("O", allowingJoined: true), help: ArgumentHelp("Optimization level: -O0 runs no optimization pass (the lowerings still run), -O1 (default) runs them all.", valueName: "level"))
    var level: Int = 1

    @Option(help: ArgumentHelp("Skip a pass (repeatable).", valueName: "name"))
    var disablePass: [String] = []

    @Option(help: ArgumentHelp("Run exactly these passes, in this order.", valueName: "a,b,c"))
    var passes: String?

    @Flag(help: "Compute every convolution directly (im2col + GEMM), without Winograd F(4x4,3x3): the exact path, for comparing (same as --disable-pass UseWinograd).")
    var noWinograd = false

    func validate() throws {
        guard level == 0 || level == 1 else { throw ValidationError("-O takes 0 or 1, got \(level)") }
        do { _ = try Pipeline.selected(pipelineOptions) } catch { throw ValidationError(error.message) }
    }

    var pipelineOptions: PipelineOptions {
        var o = PipelineOptions()
        o.optimize = level > 0
        o.disabled = Set(disablePass + (noWinograd ? ["UseWinograd"] : []))
        o.only = passes.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
        return o
    }
}

/// Runs `body`, turning library errors into `graphc: error: ...` and exit status 1.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let e as FileFormatError {
        Stderr.write("graphc: error: \(e)\n")
    } catch let e as CompileError {
        Stderr.write("graphc: error: \(e)\n")
    } catch let e as RuntimeError {
        Stderr.write("graphc: error: \(e)\n")
    } catch let e as PipelineError {
        Stderr.write("graphc: error: \(e)\n")
    } catch let e as MemoryBudgetError {
        Stderr.write("graphc: error: \(e)\n")
    } catch let e as ONNXImportError {
        Stderr.write("graphc: error: \(e)\n")
    }
    throw ExitCode(1)
}
