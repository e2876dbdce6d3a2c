import Foundation
import GraphcTestSupport
import Testing

/// Bad input of every kind, as a user or a fuzzer gives it: each case pins the exit status (1)
/// and the first line of the error. None may crash, trap, hang or answer.
@Suite struct MalformedInputTests {
    struct Case: CustomStringConvertible {
        let arguments: [String]
        /// What the first line of stderr starts with; `@` stands for the case's folder.
        let firstLine: String
        var description: String { arguments.joined(separator: " ") }
    }

    static let folder = Repository.temporaryFolder("graphc-malformed")

    /// The files the cases read, written once.
    static let files: Void = {
        func write(_ name: String, _ text: String) { try! text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        func bytes(_ name: String, _ data: [UInt8]) { try! Data(data).write(to: folder.appendingPathComponent(name)) }
        write("small.graph", "x = placeholder(float32, [1, 3], name='x')\noutput(x * 2.0)\n")
        write("two.graph", "a = placeholder(float32, [1, 3], name='a')\nb = placeholder(float32, [1, 3], name='b')\noutput(a + b)\n")
        write("huge.graph", "x = placeholder(float32, [1, 64, 64, 64])\noutput(fully_connected(flatten(x), 40000))\n")
        write("loop.graph", "while True:\n    pass\n")
        write("exponential.graph", "def f(n):\n    return 1 if n == 0 else f(n - 1) + f(n - 1)\nprint(f(30))\n")
        write("deep.graph", "def f(n):\n    return f(n + 1)\nf(0)\n")
        write("import.graph", "import nothere\n")
        write("typo.graph", "x = placeholder(float32, [1, 4, 4, 3])\ny = conv2D(x, 8, 3)\n")
        write("syntax.graph", "x = placeholder(float32, [1, 4, 4, 3]\n")
        write("mismatch.graph", "x = placeholder(float32, [1, 4, 4, 3])\noutput(conv2d(x, 8, 3) + x)\n")
        write("indent.graph", "x = 1\n  y = 2\n")
        write("empty.graph", "")
        write("inputs-only.graph", "x = placeholder(float32, [1, 3])\n")
        bytes("utf8.graph", Array("x = placeholder(float32, [1, 3])\ny = x # caf".utf8) + [0xE9, 0x20, 0x0A])
        // .npy files built byte by byte: magic, version 1.0, header length, header, data.
        func npy(_ header: String, _ data: [UInt8]) -> [UInt8] {
            var h = Array(header.utf8)
            while (10 + h.count + 1) % 64 != 0 { h.append(0x20) }
            h.append(0x0A)
            return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(h.count & 0xFF), UInt8(h.count >> 8)] + h + data
        }
        let floats = [UInt8](repeating: 0, count: 12)
        bytes("good.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3), }", floats))
        bytes("int.npy", npy("{'descr': '<i8', 'fortran_order': False, 'shape': (1, 3), }", [UInt8](repeating: 0, count: 24)))
        bytes("unclosed.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3), ", floats))
        bytes("short.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3), }", [0, 0, 0, 0]))
        bytes("fortran.npy", npy("{'descr': '<f4', 'fortran_order': True, 'shape': (1, 3), }", floats))
        bytes("wrong.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", floats + floats))
        write("text.npy", "this is not numpy\n")
        // safetensors: an 8-byte header length, a JSON header, data.
        func safetensors(_ header: String, _ data: [UInt8]) -> [UInt8] {
            let h = Array(header.utf8)
            return (0..<8).map { UInt8((h.count >> (8 * $0)) & 0xFF) } + h + data
        }
        bytes("random.safetensors", (0..<100).map { UInt8(($0 * 97 + 13) % 256) })
        bytes("cut.safetensors", safetensors("{\"w\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [0, 12]}}", [0, 0, 0, 0]))
        bytes("badjson.safetensors", safetensors("{\"w\": {\"dtype\": ", []))
        bytes("plan.gplan", Array("GRAPHCPL".utf8) + [UInt8](repeating: 0, count: 20))
        bytes("magic.gplan", Array("NOTAPLAN".utf8) + [UInt8](repeating: 0, count: 100))
    }()

    static func c(_ arguments: String..., first: String) -> Case { Case(arguments: arguments, firstLine: first) }

    static let cases: [Case] = [
        // Graph files.
        c("shapes", "@/syntax.graph", first: "@/syntax.graph:1:16: error: '(' was never closed"),
        c("shapes", "@/typo.graph", first: "@/typo.graph:2:5: error: unknown name 'conv2D'; did you mean 'conv2d'?"),
        c("shapes", "@/mismatch.graph", first: "@/mismatch.graph:2:8: error: channel mismatch"),
        c("shapes", "@/indent.graph", first: "@/indent.graph:2:1: error: unexpected indent"),
        c("shapes", "@/utf8.graph", first: "@/utf8.graph:2:12: error: invalid UTF-8: byte 0xE9 cannot be here"),
        c("shapes", "@/loop.graph", first: "@/loop.graph:1:1: error: loop ran more than 1,000,000 iterations"),
        c("shapes", "@/exponential.graph", first: "@/exponential.graph:2:29: error: evaluation took more than 3,000,000 steps"),
        c("shapes", "@/exponential.graph", "--max-steps", "1000", first: "@/exponential.graph:2:40: error: evaluation took more than 1,000 steps"),
        c("shapes", "@/deep.graph", first: "@/deep.graph:2:12: error: recursion too deep: more than 200 nested calls"),
        c("shapes", "@/import.graph", first: "@/import.graph:1:1: error: no module named 'nothere'"),
        c("shapes", "@/nothere.graph", first: "graphc: error: cannot read graph file '@/nothere.graph'"),
        c("run", "@/empty.graph", first: "graphc: error: @/empty.graph computes nothing, so there is nothing to run"),
        c("run", "@/inputs-only.graph", first: "graphc: error: @/inputs-only.graph computes nothing, so there is nothing to run"),
        c("bench", "@/empty.graph", first: "graphc: error: @/empty.graph computes nothing, so there is nothing to run"),
        // Graphs too large for the machine, in every command that would make their weights.
        c("run", "@/huge.graph", first: "graphc: error: the weights (with their folded copies) would need 78.1 GiB, more than this machine's"),
        c("init", "@/huge.graph", "-o", "@/w.safetensors", first: "graphc: error: the initial weights would need 78.1 GiB"),
        c("compile", "@/huge.graph", "-o", "@/huge.gplan", first: "graphc: error: the weights (with their folded copies) would need 78.1 GiB"),
        c("dump", "@/huge.graph", "--after", "all", first: "graphc: error: the weights (with their folded copies) would need 78.1 GiB"),
        c("shapes", "@/huge.graph", "--memory", "--no-table", first: "graphc: error: the weights (with their folded copies) would need 78.1 GiB"),
        // Weights.
        c("run", "@/small.graph", "--weights", "@/nothere.safetensors", first: "graphc: error: @/nothere.safetensors: cannot open"),
        c("run", "@/small.graph", "--weights", "@/random.safetensors", first: "graphc: error: @/random.safetensors: header length"),
        c("run", "@/small.graph", "--weights", "@/cut.safetensors", first: "graphc: error: @/cut.safetensors"),
        c("run", "@/small.graph", "--weights", "@/badjson.safetensors", first: "graphc: error: @/badjson.safetensors"),
        c("run", "Tests/Fixtures/torch_block1.graph", "--weights", "Tests/Fixtures/data/small_resnet.weights.safetensors",
          first: "graphc: error: Tests/Fixtures/data/small_resnet.weights.safetensors:"),
        // Inputs.
        c("run", "@/small.graph", "--input", "@/nothere.npy", first: "graphc: error: @/nothere.npy: cannot open"),
        c("run", "@/small.graph", "--input", "x=@/nothere.npy", first: "graphc: error: @/nothere.npy: cannot open"),
        c("run", "@/two.graph", "--input", "@/good.npy", first: "graphc: error: --input @/good.npy: the graph has more than one placeholder (a, b, ...); say which one it feeds"),
        c("run", "@/two.graph", "--input", "@/good.npy", "--input", "b=@/good.npy", first: "graphc: error: --input @/good.npy without a name feeds a graph's only placeholder"),
        c("run", "@/inputs-only.graph", "--input", "@/good.npy", "--input", "nothere=@/good.npy", first: "graphc: error: --input @/good.npy without a name"),
        c("run", "@/small.graph", "--input", "z=@/good.npy", first: "graphc: error: --input z=@/good.npy: the graph has no placeholder named 'z'; placeholders: x"),
        c("run", "@/small.graph", "--input", "@/wrong.npy", first: "@/small.graph:1:5: error: --input @/wrong.npy holds shape (2, 3), but placeholder 'x' is (1, 3)"),
        c("run", "@/small.graph", "--input", "@/int.npy", first: "graphc: error: @/int.npy: dtype <i8 is not supported"),
        c("run", "@/small.graph", "--input", "@/unclosed.npy", first: "graphc: error: @/unclosed.npy: corrupt header: not a Python dict"),
        c("run", "@/small.graph", "--input", "@/short.npy", first: "graphc: error: @/short.npy: truncated: shape [1, 3] needs 12 bytes of data, the file has 4"),
        c("run", "@/small.graph", "--input", "@/fortran.npy", first: "graphc: error: @/fortran.npy: Fortran-order arrays are not supported"),
        c("run", "@/small.graph", "--input", "@/text.npy", first: "graphc: error: @/text.npy: not a NumPy .npy file"),
        c("shapes", "@/small.graph", "--input", "x=1,y,3", first: "graphc: error: --input x=1,y,3: 'y' is not a dimension"),
        c("shapes", "@/small.graph", "--input", "picture.png", first: "graphc: error: --input takes file.npy, name=file.npy or name=d0,d1,..., got 'picture.png'"),
        // Compiled plans.
        c("run", "@/plan.gplan", first: "graphc: error: @/plan.gplan: truncated: 28 bytes, shorter than the 64-byte preamble"),
        c("run", "@/magic.gplan", first: "graphc: error: @/magic.gplan: not a graphc plan (bad magic)"),
        c("vars", "@/plan.gplan", first: "graphc: error: @/plan.gplan is a compiled plan: vars lists the variables"),
        c("init", "@/plan.gplan", "-o", "@/w.safetensors", first: "graphc: error: @/plan.gplan is a compiled plan: init writes initial weights for a graph file"),
        c("compile", "@/plan.gplan", "-o", "@/again.gplan", first: "graphc: error: @/plan.gplan is a compiled plan: it is compiled already"),
        c("convert", "@/plan.gplan", "--pytorch", "@/x.safetensors", "-o", "@/y.safetensors", first: "graphc: error: @/plan.gplan is a compiled plan: convert maps"),
        // Command lines.
        c("run", "@/small.graph", "--batch", "-1", first: "graphc: error: --batch must be at least 1, got -1"),
        c("run", "@/small.graph", "--batch", "0", first: "graphc: error: --batch must be at least 1, got 0"),
        c("run", "@/small.graph", "--threads", "-3", first: "graphc: error: --threads must be at least 1, got -3"),
        c("run", "@/small.graph", "--seed", "-1", first: "graphc: error: The value '-1' is invalid for '--seed <seed>'"),
        c("run", "@/small.graph", "-O2", first: "graphc: error: -O takes 0 or 1, got 2"),
        c("run", "@/small.graph", "--disable-pass", "Nope", first: "graphc: error: unknown pass 'Nope'"),
        c("run", "@/small.graph", "--passes", "LowerBatchNorm", first: "graphc: error: LowerBatchNorm is a lowering: it always runs, first"),
        c("run", "@/small.graph", "--output", "@/no/such/folder/out.npy", first: "graphc: error: @/no/such/folder/out.npy cannot be written: there is no folder"),
        c("run", "@/small.graph", "-D", "depth", first: "graphc: error: -D takes name=value, got 'depth'"),
        c("run", "@/small.graph", "-D", "depth=50", first: "graphc: error: -D depth is not used by @/small.graph; it declares no flags"),
        c("bench", "@/small.graph", "--iterations", "0", first: "graphc: error: --iterations must be between 1 and 1000000"),
        c("bench", "@/small.graph", "--depth", "2", first: "graphc: error: --depth applies to --profile"),
        c("export", "@/small.graph", "-o", "@/small.onnx", first: "graphc: error: say which format to write: --onnx"),
        c("export", "@/plan.gplan", "--onnx", "-o", "@/small.onnx", first: "graphc: error: @/plan.gplan is a compiled plan"),
        c("shapes", "@/small.graph", "--depth", "0", first: "graphc: error: --depth must be at least 1, got 0"),
        c("dump", "@/small.graph", "--after", "FoldBatchnorm", first: "graphc: error: unknown pass 'FoldBatchnorm'; did you mean 'FoldBatchNorm'?"),
        c("frobnicate", first: "graphc: error: Unexpected argument 'frobnicate'"),
    ]

    @Test(arguments: cases)
    func answersWithOneClearErrorAndStatusOne(_ c: Case) throws {
        _ = Self.files
        let root = Self.folder.path
        let run = try CLITests().graphc(c.arguments.map { $0.replacingOccurrences(of: "@", with: root) })
        #expect(run.status == 1, "\(c): status \(run.status), stderr \(run.stderr)")
        let first = run.stderr.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        #expect(first.hasPrefix(c.firstLine.replacingOccurrences(of: "@", with: root)), "\(c): \(first)")
        #expect(!run.stderr.contains("Fatal error"), "\(c)")
    }

    @Test func aMisnamedInputToAPlanIsAnError() throws {
        _ = Self.files
        let plan = Self.folder.appendingPathComponent("small.gplan").path
        let compile = try CLITests().graphc("compile", Self.folder.appendingPathComponent("small.graph").path, "-o", plan)
        #expect(compile.status == 0, "\(compile.stderr)")
        let run = try CLITests().graphc("run", plan, "--input", "z=" + Self.folder.appendingPathComponent("good.npy").path)
        #expect(run.status == 1)
        #expect(run.stderr.hasPrefix("graphc: error: --input z="), "\(run.stderr)")
        #expect(run.stderr.contains("the graph has no placeholder named 'z'; placeholders: x"))
    }

    @Test func aBarePathFeedsTheOnlyPlaceholder() throws {
        _ = Self.files
        let run = try CLITests().graphc("run", Self.folder.appendingPathComponent("small.graph").path,
                                        "--input", Self.folder.appendingPathComponent("good.npy").path)
        #expect(run.status == 0, "\(run.stderr)")
        // The file's zeros, doubled: not seeded values.
        #expect(run.stdout.contains("min 0.000000  max 0.000000  mean 0.000000"))
        #expect(!run.stderr.contains("seeded uniform"))
    }

    @Test func infiniteOutputsAreWarnedAbout() throws {
        let path = Self.folder.appendingPathComponent("inf.graph")
        try "x = placeholder(float32, [1, 3])\noutput(x * 1e38 * 1e38)\n".write(to: path, atomically: true, encoding: .utf8)
        // Seeded inputs in [0, 1) times 1e76 overflow float32 to infinity (an input of exactly 0 would be NaN).
        let run = try CLITests().graphc("run", path.path)
        #expect(run.status == 0)
        #expect(run.stdout.contains("no finite values  (0 NaN, 3 infinite)"))
        #expect(run.stderr.contains("graphc: warning: mul_1:0: 0 of its 3 values are NaN and 3 infinite"))
    }
}
