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

    /// A new empty folder under the system's temporary folder.
    public static func temporaryFolder(_ prefix: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
