import Foundation

/// Paths in the graphc repository, found from this file's place in it.
public enum Repository {
    /// The folder holding Package.swift.
    public static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    /// `relative` (`Graphs/resnet18.graph`) as an absolute path.
    public static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// A new empty folder under the system's temporary folder, removed when the test process
    /// exits (suites are structs made once per test, with no teardown of their own).
    public static func temporaryFolder(_ prefix: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        TemporaryFolders.remember(url)
        return url
    }
}

/// The folders `Repository.temporaryFolder` made, removed at exit.
enum TemporaryFolders {
    nonisolated(unsafe) private static var folders: [URL] = []
    private static let lock = NSLock()
    private static let registered: Void = { atexit { TemporaryFolders.removeAll() } }()

    static func remember(_ url: URL) {
        lock.lock(); defer { lock.unlock() }
        _ = registered
        folders.append(url)
    }

    static func removeAll() {
        lock.lock(); defer { lock.unlock() }
        for url in folders { try? FileManager.default.removeItem(at: url) }
        folders.removeAll()
    }
}

/// The code between `// BEGIN EXAMPLE` and `// END EXAMPLE` in a test file, unindented as a
/// document shows it: tests compile an example and check a page shows exactly that code.
public func documentedExample(inFile path: String) throws -> String {
    let source = try String(contentsOfFile: path, encoding: .utf8)
    guard let start = source.range(of: "// BEGIN EXAMPLE\n")?.upperBound, let end = source.range(of: "        // END EXAMPLE")?.lowerBound else {
        throw CocoaError(.fileReadCorruptFile)
    }
    return source[start..<end].split(separator: "\n", omittingEmptySubsequences: false)
        .map { $0.hasPrefix("        ") ? String($0.dropFirst(8)) : String($0) }.joined(separator: "\n")
}
