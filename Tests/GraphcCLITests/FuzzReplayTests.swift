import Foundation
import GraphcTestSupport
import Testing

/// The fuzz targets' seed corpora and every input a fuzzer once crashed on
/// (Tests/Fuzz/regressions), replayed through the same targets in an ordinary build.
@Suite struct FuzzReplayTests {
    @Test(arguments: ["graph", "safetensors", "npy", "plan"])
    func corpusAndRegressionsRunWithoutACrash(_ target: String) throws {
        let binary = CLITests.executable.deletingLastPathComponent().appendingPathComponent("graphc-fuzz")
        let process = Process()
        process.executableURL = binary
        var folders = [Repository.path("Tests/Fuzz/corpus/\(target)")]
        let regressions = Repository.path("Tests/Fuzz/regressions/\(target)")
        if FileManager.default.fileExists(atPath: regressions) { folders.append(regressions) }
        process.arguments = folders
        var environment = ProcessInfo.processInfo.environment
        environment["GRAPHC_FUZZ_TARGET"] = target
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(target): \(text)")
        #expect(text.hasPrefix("graphc-fuzz: \(target): ") && text.contains("no crash"), "\(text)")
    }
}
