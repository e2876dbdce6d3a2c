import Foundation

/// Text compared with a file committed under Tests/Snapshots, the main test surface for what
/// graphc prints (IR, plans, help). Run the tests with `GRAPHC_RECORD_SNAPSHOTS=1` to write the
/// files anew, then read the change in `git diff` before committing it.
public enum Snapshot {
    /// A snapshot that does not match; its description is a readable line diff.
    public struct Mismatch: Error, CustomStringConvertible {
        public let description: String
    }

    public static var isRecording: Bool { ProcessInfo.processInfo.environment["GRAPHC_RECORD_SNAPSHOTS"] == "1" }

    /// Throws a `Mismatch` when `text` differs from the snapshot `name` (or there is none),
    /// unless recording, which writes it.
    public static func check(_ text: String, named name: String) throws {
        let url = Repository.root.appendingPathComponent("Tests/Snapshots").appendingPathComponent(name + ".txt")
        if isRecording {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            throw Mismatch(description: "no snapshot Tests/Snapshots/\(name).txt; record it with GRAPHC_RECORD_SNAPSHOTS=1")
        }
        if expected != text {
            throw Mismatch(description: "\(name) differs from Tests/Snapshots/\(name).txt (- expected, + actual):\n" + diff(expected, text))
        }
    }

    /// The lines that differ, with two lines of context, from a longest-common-subsequence diff.
    public static func diff(_ old: String, _ new: String, context: Int = 2) -> String {
        let a = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard a.count * b.count <= 4_000_000 else { return "(too long to diff: \(a.count) against \(b.count) lines)" }
        // lcs[i][j]: length of the longest common subsequence of a[i...] and b[j...].
        var lcs = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var lines: [(mark: Character, text: String)] = []
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                lines.append((" ", a[i])); i += 1; j += 1
            } else if j < b.count, i == a.count || lcs[i][j + 1] >= lcs[i + 1][j] {
                lines.append(("+", b[j])); j += 1
            } else {
                lines.append(("-", a[i])); i += 1
            }
        }
        let changed = lines.indices.filter { lines[$0].mark != " " }
        var out = "", last = -1
        for k in lines.indices where changed.contains(where: { abs($0 - k) <= context }) {
            if last >= 0, k > last + 1 { out += "...\n" }
            out += "\(lines[k].mark) \(lines[k].text)\n"
            last = k
        }
        return out
    }
}

extension Snapshot {
    /// Throws a `Mismatch` with a line diff when `actual` is not `expected`: for texts written
    /// in the test itself (IR before and after a pass).
    public static func expect(_ actual: String, equals expected: String) throws {
        let want = expected.hasSuffix("\n") ? expected : expected + "\n"
        if actual != want { throw Mismatch(description: "text differs (- expected, + actual):\n" + diff(want, actual)) }
    }
}
