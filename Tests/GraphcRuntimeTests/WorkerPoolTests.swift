import Foundation
import Testing
@testable import GraphcRuntime

/// The kernels' worker pool: every part of every region runs exactly once, the calling thread
/// takes its share, concurrent callers are served, and all of it holds where the 24-bit
/// generation counter sets the ticket's sign bit and wraps.
@Suite struct WorkerPoolTests {
    final class Tally: @unchecked Sendable {
        var counts: [Int]
        var callerParts = 0
        let lock = NSLock()
        init(_ n: Int) { counts = [Int](repeating: 0, count: n) }
    }

    /// Runs `regions` regions of `parts` parts on `pool`, counting each part and the parts the
    /// calling thread ran itself.
    func exercise(_ pool: WorkerPool, regions: Int, parts: Int) -> Tally {
        let tally = Tally(regions * parts)
        let caller = Thread.current
        for r in 0..<regions {
            pool.run(parts) { p in
                tally.lock.lock()
                tally.counts[r * parts + p] += 1
                if Thread.current == caller { tally.callerParts += 1 }
                tally.lock.unlock()
            }
        }
        return tally
    }

    @Test(arguments: [0, 0x7FFFF0, 0xFFFFF0])
    func everyPartRunsOnceAndTheCallerTakesItsShare(_ start: Int) {
        let pool = WorkerPool(startingGeneration: start)
        let tally = exercise(pool, regions: 2000, parts: 3)
        #expect(tally.counts.allSatisfy { $0 == 1 }, "generation from \(start)")
        // The caller claims parts right after publishing a region; before the ticket was read
        // unsigned it took none from generation 0x800000 on.
        #expect(tally.callerParts > 500, "the caller ran \(tally.callerParts) of 6000 parts")
    }

    @Test func concurrentCallersAreServedInTurnOrInline() {
        let pool = WorkerPool()
        let results = Tally(8)
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            let tally = exercise(pool, regions: 300, parts: 4)
            results.lock.lock()
            results.counts[i] = tally.counts.allSatisfy { $0 == 1 } ? 1 : 0
            results.lock.unlock()
        }
        #expect(results.counts == [Int](repeating: 1, count: 8))
    }
}
