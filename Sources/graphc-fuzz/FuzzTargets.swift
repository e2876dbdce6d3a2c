import Foundation
import GraphcCompiler
import GraphcFormats
import GraphcFrontend
import GraphcIR
import GraphcRuntime

/// What graphc reads from users, driven by libFuzzer (tools/fuzz.sh): graph text through the
/// lexer, parser and evaluator; safetensors, .npy and .gplan bytes through their readers. Any
/// input may be refused with an error; none may crash, trap or hang.
enum FuzzTarget: String, CaseIterable {
    case graph, safetensors, npy, plan

    /// Runs one input; errors are the expected answer to bad input and are ignored.
    func run(_ bytes: UnsafeRawBufferPointer) {
        switch self {
        case .graph:
            var options = EvaluationOptions.quiet
            // Small budgets keep each input fast; the limits themselves are what is tested.
            options.maxSteps = 20_000
            #if FUZZING
            // A thread per input is slow under AddressSanitizer: tools/fuzz.sh gives the main
            // thread a large stack instead. (A replay keeps the default thread, with room for
            // the deepest legal nesting in a debug build.)
            options.usesCallingThread = true
            #endif
            _ = try? GraphFile.evaluate(bytes: Data(bytes), path: "fuzz.graph", options: options)
        case .safetensors:
            _ = try? Safetensors.File(mapping: MappedFile(copying: bytes, path: "fuzz.safetensors"))
        case .npy:
            _ = try? NumPyFile.parse(bytes, path: "fuzz.npy")
        case .plan:
            let mapping = MappedFile(copying: Self.withChecksumRecomputed(bytes), path: "fuzz.gplan")
            guard let model = try? PlanFile.read(mapping: mapping) else { return }
            // A plan that passes every check must also run safely; keep runs small.
            guard model.assignment.arenaBytes < 16 << 20, model.weightBytes < 16 << 20, model.multiplyAdds < 20_000_000,
                  let executor = try? Executor(model: model, options: RunOptions(threads: 1)) else { return }
            var feeds: [String: HostTensor] = [:]
            for p in model.graph.placeholders {
                let shape = model.shapes[p.id]
                feeds[p.name] = HostTensor(shape: shape, data: [Float](repeating: 0.5, count: shape.reduce(1, *)))
            }
            _ = try? executor.run(feeds)
        }
    }

    /// The bytes with the checksum at offset 40 made to match the regions the preamble names,
    /// when the preamble is whole: mutations then reach the checks behind the checksum.
    static func withChecksumRecomputed(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        guard bytes.count >= 64 else { return bytes }
        func u64(_ o: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: o, as: UInt64.self)) }
        let dataOffset = u64(24), dataSize = u64(32)
        guard dataOffset >= 64, dataOffset <= UInt64(bytes.count), dataSize <= UInt64(bytes.count) - dataOffset else { return bytes }
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 64)
        copy.copyMemory(from: bytes)
        let sum = PlanFile.checksum(header: UnsafeRawBufferPointer(rebasing: bytes[64..<Int(dataOffset)]),
                                    data: UnsafeRawBufferPointer(rebasing: bytes[Int(dataOffset)..<Int(dataOffset + dataSize)]))
        copy.storeBytes(of: sum.littleEndian, toByteOffset: 40, as: UInt64.self)
        scratch.append(copy)
        return UnsafeRawBufferPointer(copy)
    }

    /// Copies made for one input, freed after it.
    nonisolated(unsafe) static var scratch: [UnsafeMutableRawBufferPointer] = []
}

/// The target GRAPHC_FUZZ_TARGET names, read once.
let selectedTarget: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["GRAPHC_FUZZ_TARGET"] ?? ""
    guard let t = FuzzTarget(rawValue: name) else {
        FileHandle.standardError.write("graphc-fuzz: set GRAPHC_FUZZ_TARGET to one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))\n".data(using: .utf8)!)
        exit(2)
    }
    return t
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    selectedTarget.run(UnsafeRawBufferPointer(start: data, count: size))
    for b in FuzzTarget.scratch { b.deallocate() }
    FuzzTarget.scratch.removeAll(keepingCapacity: true)
    return 0
}

#if !FUZZING
/// Without libFuzzer (an ordinary build): runs each file named on the command line through the
/// target once, to replay a corpus or a crash as a regression check.
@main
struct Replay {
    static func main() {
        var count = 0
        for path in CommandLine.arguments.dropFirst() {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: path)).map { $0.sorted().map { path + "/" + $0 } } ?? [path]
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                data.withUnsafeBytes { _ = fuzzOneInput($0.bindMemory(to: UInt8.self).baseAddress, $0.count) }
                count += 1
            }
        }
        print("graphc-fuzz: \(selectedTarget.rawValue): \(count) inputs, no crash")
    }
}
#endif
