import GraphcIR

/// Puts buffers with known sizes and lifetimes at offsets in one arena so that buffers live at
/// the same step never overlap. A pure function of its requests; several strategies run and
/// the smallest arena wins.
public enum BufferPlanner {
    /// Offsets and sizes are multiples of this, so every buffer is 64-byte (cache line and
    /// AVX-512) aligned.
    public static let alignment = BufferAssignment.alignment

    public struct Request: Sendable, Equatable {
        public var bytes: Int
        /// First and last step the buffer is live at, inclusive.
        public var first: Int
        public var last: Int

        public init(bytes: Int, first: Int, last: Int) {
            self.bytes = bytes
            self.first = first
            self.last = last
        }

        func overlaps(_ other: Request) -> Bool { first <= other.last && other.first <= last }
    }

    public enum Strategy: String, CaseIterable, Sendable {
        /// Largest buffers first, each at the lowest offset free for its whole lifetime (TFLite's greedy by size).
        case greedyBySize
        /// Steps with the most live bytes first; their buffers, largest first, at the lowest free offset (greedy by breadth).
        case greedyByBreadth
        /// In execution order, each new buffer into the smallest gap that fits (best fit), else on top.
        case bestFitInOrder
        /// Every buffer at its own offset (`--no-reuse`).
        case noReuse
    }

    public static func aligned(_ bytes: Int) -> Int { (max(bytes, 0) + alignment - 1) / alignment * alignment }

    /// The largest total of aligned buffer sizes live at any one step: no arena can be smaller.
    public static func lowerBound(_ requests: [Request]) -> (bytes: Int, step: Int) {
        guard let lastStep = requests.map(\.last).max() else { return (0, 0) }
        var live = [Int](repeating: 0, count: lastStep + 2)
        for r in requests {
            live[r.first] += aligned(r.bytes)
            live[r.last + 1] -= aligned(r.bytes)
        }
        var best = (bytes: 0, step: 0), running = 0
        for s in 0...lastStep {
            running += live[s]
            if running > best.bytes { best = (running, s) }
        }
        return best
    }

    /// Offsets for `requests` by one strategy, and the arena size they need.
    public static func plan(_ requests: [Request], strategy: Strategy) -> (offsets: [Int], arena: Int) {
        var offsets = [Int](repeating: -1, count: requests.count)
        switch strategy {
        case .noReuse:
            var top = 0
            for (i, r) in requests.enumerated() { offsets[i] = top; top += aligned(r.bytes) }
        case .greedyBySize:
            let order = requests.indices.sorted { (requests[$0].bytes, -requests[$0].first, -$0) > (requests[$1].bytes, -requests[$1].first, -$1) }
            for i in order { offsets[i] = lowestFit(requests[i], requests, offsets) }
        case .greedyByBreadth:
            guard let lastStep = requests.map(\.last).max() else { break }
            var liveAt = [[Int]](repeating: [], count: lastStep + 1)
            for (i, r) in requests.enumerated() { for s in r.first...r.last { liveAt[s].append(i) } }
            let total = liveAt.map { $0.reduce(0) { $0 + aligned(requests[$1].bytes) } }
            for s in liveAt.indices.sorted(by: { (total[$0], -$0) > (total[$1], -$1) }) {
                for i in liveAt[s].sorted(by: { (requests[$0].bytes, -$0) > (requests[$1].bytes, -$1) }) where offsets[i] < 0 {
                    offsets[i] = lowestFit(requests[i], requests, offsets)
                }
            }
        case .bestFitInOrder:
            let order = requests.indices.sorted { (requests[$0].first, -requests[$0].bytes, $0) < (requests[$1].first, -requests[$1].bytes, $1) }
            for i in order { offsets[i] = bestFit(requests[i], requests, offsets) }
        }
        let arena = requests.indices.map { offsets[$0] + aligned(requests[$0].bytes) }.max() ?? 0
        return (offsets, arena)
    }

    /// The strategy giving the smallest arena (the first listed wins ties).
    public static func best(_ requests: [Request]) -> (offsets: [Int], arena: Int, strategy: Strategy) {
        var best: (offsets: [Int], arena: Int, strategy: Strategy)?
        for s in Strategy.allCases where s != .noReuse {
            let (offsets, arena) = plan(requests, strategy: s)
            if best == nil || arena < best!.arena { best = (offsets, arena, s) }
        }
        return best ?? ([], 0, .greedyBySize)
    }

    /// The placed buffers that share a step with `r`, by offset.
    private static func conflicts(_ r: Request, _ requests: [Request], _ offsets: [Int]) -> [(start: Int, end: Int)] {
        requests.indices.filter { offsets[$0] >= 0 && requests[$0].overlaps(r) }
            .map { (offsets[$0], offsets[$0] + aligned(requests[$0].bytes)) }
            .sorted { $0.start < $1.start }
    }

    private static func lowestFit(_ r: Request, _ requests: [Request], _ offsets: [Int]) -> Int {
        let size = aligned(r.bytes)
        var candidate = 0
        for c in conflicts(r, requests, offsets) {
            if c.start >= candidate + size { return candidate }
            candidate = max(candidate, c.end)
        }
        return candidate
    }

    private static func bestFit(_ r: Request, _ requests: [Request], _ offsets: [Int]) -> Int {
        let size = aligned(r.bytes)
        var best: (offset: Int, gap: Int)?
        var cursor = 0
        for c in conflicts(r, requests, offsets) {
            let gap = c.start - cursor
            if gap >= size, best == nil || gap < best!.gap { best = (cursor, gap) }
            cursor = max(cursor, c.end)
        }
        return best?.offset ?? cursor
    }
}
