import Foundation
import GraphcTestSupport
import Testing

/// The module import graph points one way (Docs/Architecture.md): every `import` of a graphc
/// module in a source file is one its module may make. SwiftPM lets a file import any module
/// already built, so Package.swift alone does not hold the line.
@Suite struct ModuleGraphTests {
    /// What each folder may import, of graphc's own modules.
    static let allowed: [String: Set<String>] = [
        "Sources/GraphcDiagnostics": [],
        "Sources/GraphcIR": ["GraphcDiagnostics"],
        "Sources/GraphcFrontend": ["GraphcDiagnostics", "GraphcIR"],
        "Sources/GraphcFormats": ["GraphcIR"],
        "Sources/GraphcPasses": ["GraphcDiagnostics", "GraphcIR"],
        "Sources/GraphcCompiler": ["GraphcIR", "GraphcPasses", "GraphcFormats"],
        "Sources/GraphcRuntime": ["GraphcIR", "COpenBLAS"],
        "Sources/GraphcONNX": ["GraphcIR"],
        "Sources/GraphcImages": ["GraphcIR", "GraphcFormats", "CImageCodecs"],
        "Sources/GraphcTestSupport": ["GraphcIR"],
        // Pass tests build graphs with GraphBuilder: no front end, no runtime.
        "Tests/GraphcPassesTests": ["GraphcIR", "GraphcPasses", "GraphcTestSupport"],
        "Tests/GraphcIRTests": ["GraphcIR", "GraphcTestSupport"],
    ]

    /// The graphc modules `folder`'s Swift files import.
    func imports(of folder: String) throws -> Set<String> {
        let root = Repository.root.appendingPathComponent(folder)
        var found = Set<String>()
        let files = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
        #expect(!files.isEmpty, "\(folder) has Swift files")
        for file in files {
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") {
                let words = line.split(separator: " ")
                guard let i = words.firstIndex(of: "import"), i + 1 < words.count, words[..<i].allSatisfy({ $0.hasPrefix("@") }) else { continue }
                let module = String(words[i + 1])
                if module.hasPrefix("Graphc") || module == "COpenBLAS" { found.insert(module) }
            }
        }
        return found
    }

    @Test(arguments: allowed.keys.sorted())
    func importsPointOneWay(_ folder: String) throws {
        let extra = try imports(of: folder).subtracting(Self.allowed[folder]!)
        #expect(extra.isEmpty, "\(folder) imports \(extra.sorted())")
    }
}

/// The runtime's kernels are only fast when compiled for the host CPU; a Package.swift that
/// loses the flag still builds and passes every numerical test, 100x slower (it happened once).
@Suite struct RuntimeBuildSettingsTests {
    @Test func theRuntimeIsBuiltForTheHostCPU() throws {
        let manifest = try String(contentsOf: Repository.root.appendingPathComponent("Package.swift"), encoding: .utf8)
        let runtime = try #require(manifest.range(of: "name: \"GraphcRuntime\"", options: .backwards))  // the target, after the product
        let settings = manifest[runtime.upperBound...].prefix(800)
        #expect(settings.contains("\"-target-cpu\", \"native\""))
        #expect(!manifest.contains("skylake-avx512"))
    }
}
