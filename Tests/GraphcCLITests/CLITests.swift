import Foundation
import Testing
import GraphcTestSupport

/// `graphc` as a user runs it: the built executable, its output and its exit status.
@Suite struct CLITests {
    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { url.deleteLastPathComponent() }
        return url
    }()

    /// A new empty folder for a test's files.
    static func temporaryFolder(_ prefix: String) -> URL { Repository.temporaryFolder(prefix) }

    /// The graphc built beside this test bundle.
    static let executable: URL = {
        let bundleFolder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for folder in [bundleFolder, bundleFolder.deletingLastPathComponent(), root.appendingPathComponent(".build/debug")] {
            let candidate = folder.appendingPathComponent("graphc")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return root.appendingPathComponent(".build/debug/graphc")
    }()

    func graphc(_ arguments: String...) throws -> Run { try graphc(arguments) }

    func graphc(_ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        process.currentDirectoryURL = Self.root
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    @Test func shapesPrintsTheFilesPrintsThenATable() throws {
        let run = try graphc("shapes", "Graphs/seed000_slim_resnet.graph")
        #expect(run.status == 0)
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "Tensor(\"test1/Relu_1:0\", shape=(4, 6, 6, 3), dtype=float32)")
        #expect(lines[7] == "(4, 10)")
        #expect(lines.contains { $0.hasPrefix("resnet/block1/Conv2D") && $0.contains("Conv2D") && $0.contains("(4, 48, 48, 64)") && $0.contains("9,408") })
        #expect(lines.contains("parameters: 11,189,436 (42.7 MiB as float32)"))
    }

    @Test func shapesDepthGivesOneRowPerBlock() throws {
        let run = try graphc("shapes", "Graphs/seed004_resnet_v2.graph", "--depth", "2", "--batch", "32")
        #expect(run.status == 0, "\(run.stderr)")
        let rows = run.stdout.split(separator: "\n").filter { $0.hasPrefix("resnet_v2_50/") }.map {
            $0.split(separator: " ", omittingEmptySubsequences: true)
        }
        #expect(rows.map { String($0[0]) } == [
            "resnet_v2_50/Pad", "resnet_v2_50/conv1", "resnet_v2_50/pool1", "resnet_v2_50/block1", "resnet_v2_50/block2",
            "resnet_v2_50/block3", "resnet_v2_50/block4", "resnet_v2_50/postnorm", "resnet_v2_50/pool5", "resnet_v2_50/logits",
            "resnet_v2_50/predictions",
        ])
        #expect(run.stdout.contains("resnet_v2_50/block4"))
        let block4 = try #require(run.stdout.split(separator: "\n").first { $0.hasPrefix("resnet_v2_50/block4 ") })
        #expect(block4.contains("(32, 7, 7, 2048)"))
    }

    @Test func definitionsChooseTheNetwork() throws {
        let run = try graphc("shapes", "Graphs/seed004_resnet_v2.graph", "-D", "depth=101", "-D", "num_classes=1001", "--no-table")
        #expect(run.status == 0)
        #expect(run.stdout.contains("Tensor(\"resnet_v2_101/logits/BiasAdd:0\", shape=(?, 1, 1, 1001), dtype=float32)"))
    }

    @Test func errorsExitWithStatusOneAndALocation() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("graphc-cli-\(UUID().uuidString).graph")
        try "x = placeholder(float32, [1, 8, 8, 3])\ny = conv2D(x, 8, 3)\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let run = try graphc("shapes", file.path)
        #expect(run.status == 1)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr == "\(file.path):2:5: error: unknown name 'conv2D'; did you mean 'conv2d'?\ny = conv2D(x, 8, 3)\n    ^~~~~~\n")
    }

    @Test func aMissingFileIsAnErrorNotACrash() throws {
        let run = try graphc("shapes", "Graphs/no_such_file.graph")
        #expect(run.status == 1)
        #expect(run.stderr == "graphc: error: cannot read graph file 'Graphs/no_such_file.graph'\n")
    }

    @Test func badOptionsAreRejectedBeforeEvaluation() throws {
        let run = try graphc("shapes", "Graphs/resnet18.graph", "--input", "input=1,x,3")
        #expect(run.status != 0)
        #expect(run.stderr.contains("--input input=1,x,3: 'x' is not a dimension"))
    }

    @Test func dumpPrintsTheIR() throws {
        let run = try graphc("dump", "Graphs/resnet18.graph", "--batch", "1")
        #expect(run.status == 0)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "%0 = Placeholder : (1, 224, 224, 3) \"input\" @ Graphs/resnet18.graph:40:10")
        #expect(lines.contains("%2 = Conv2D(%0, %1) {strides=[2, 2], padding=[[3, 3], [3, 3]]} : (1, 112, 112, 64) \"conv1/Conv2D\" @ Graphs/resnet18.graph:30:13"))
        #expect(lines.last?.hasPrefix("outputs: %") == true)
    }
}

