import Foundation

/// The repository root, found from this file's path (tests read Graphs/ and Tests/Fixtures/).
let repositoryRoot: URL = {
    var url = URL(fileURLWithPath: #filePath)
    while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { url.deleteLastPathComponent() }
    return url
}()
