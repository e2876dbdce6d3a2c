import Foundation

/// A progress line on stderr for long runs (`bench`): shown only when stderr is a terminal and
/// the work has taken more than two seconds, redrawn at most five times a second.
final class Progress {
    private let total: Int
    private let label: String
    private let start = Date()
    private var lastDrawn = Date.distantPast
    private var shown = false
    private let enabled = isatty(2) != 0

    init(total: Int, label: String) {
        self.total = total
        self.label = label
    }

    func update(_ done: Int) {
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(start) > 2, now.timeIntervalSince(lastDrawn) > 0.2 else { return }
        lastDrawn = now
        shown = true
        let elapsed = now.timeIntervalSince(start)
        let remaining = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        Stderr.write(String(format: "\r%@: %d/%d runs, %.0f s elapsed, about %.0f s left   ", label, done, total, elapsed, remaining))
    }

    func finish() {
        if shown { Stderr.write("\r" + String(repeating: " ", count: 72) + "\r") }
    }
}
