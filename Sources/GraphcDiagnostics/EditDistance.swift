/// Suggestions for misspelled names ("did you mean 'conv2d'?").
public enum Spelling {
    /// Levenshtein distance between two strings (case-sensitive).
    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// The closest candidate within a third of the name's length (at least one edit), if any.
    public static func suggestion(for name: String, among candidates: some Sequence<String>) -> String? {
        let limit = max(1, name.count / 3)
        var best: (String, Int)?
        for candidate in candidates where candidate != name {
            let d = distance(name.lowercased(), candidate.lowercased())
            if d <= limit, best == nil || d < best!.1 || (d == best!.1 && candidate < best!.0) {
                best = (candidate, d)
            }
        }
        return best?.0
    }

    /// ` (did you mean 'x'?)`-style suffix, or empty.
    public static func didYouMean(_ name: String, among candidates: some Sequence<String>) -> String {
        guard let s = suggestion(for: name, among: candidates) else { return "" }
        return "; did you mean '\(s)'?"
    }
}
