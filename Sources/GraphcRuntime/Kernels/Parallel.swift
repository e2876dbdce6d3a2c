import Foundation
import Synchronization
import CKernelSupport

/// Splits `0..<count` into at most `threads` contiguous ranges run concurrently on graphc's
/// worker pool (the calling thread takes one). The body must not allocate: it is called from
/// graphc's kernels. The split depends only on `count`, `threads` and `minimumPerThread`.
@inline(__always)
func parallelFor(_ count: Int, threads: Int, minimumPerThread: Int = 1, _ body: (Range<Int>) -> Void) {
    let workers = min(threads, max(1, count / max(1, minimumPerThread)))
    if workers <= 1 {
        body(0..<count)
        return
    }
    WorkerPool.shared.run(workers) { w in
        let start = count * w / workers, end = count * (w + 1) / workers
        if start < end { body(start..<end) }
    }
}

/// graphc's own threads for its kernels' parallel regions: dedicated threads that, after a
/// region, spin for a short while watching for the next one before they sleep. A network runs
/// a few parallel regions per layer, microseconds apart; Dispatch's concurrentPerform wakes
/// its workers for each and, on a loaded machine, sometimes runs a region on the calling thread
/// alone (the same network then took 1.6x as long). ONNX Runtime's pool spins the same way.
///
/// One region runs at a time: a caller that finds the pool busy (another executor on another
/// thread) runs its region's parts itself, in order, which gives the same results.
final class WorkerPool: @unchecked Sendable {
    static let shared = WorkerPool()

    /// How long an idle worker watches for the next region before it sleeps.
    static let spinNanoseconds: UInt64 = 200_000

    /// The current region in one word, so a worker can never take a part of a region other
    /// than the one it read: generation (bits 40-63), parts (20-39), next part (0-19).
    private let ticket = Atomic<Int>(0)
    private let partsLeft = Atomic<Int>(0)
    private let busy = Atomic<Bool>(false)
    /// The running region's body; read only by a thread that holds one of its parts, so it
    /// is never replaced while read (the caller waits for every part before it returns).
    private var body: ((Int) -> Void)?
    private var lastGeneration: Int

    private let lock = NSCondition()
    private var sleepers = 0
    private var workerCount = 0

    /// Unsigned shift: from generation 0x800000 on, the word's top bit is set.
    /// `startingGeneration` lets a test start next to the 24-bit counter's wrap and sign bit.
    init(startingGeneration: Int = 0) {
        lastGeneration = startingGeneration & 0xFFFFFF
        ticket.store(lastGeneration << 40, ordering: .relaxed)
    }

    @inline(__always) private static func generation(_ t: Int) -> Int { Int(UInt(bitPattern: t) >> 40) }
    @inline(__always) private static func parts(_ t: Int) -> Int { (t >> 20) & 0xFFFFF }
    @inline(__always) private static func next(_ t: Int) -> Int { t & 0xFFFFF }

    /// Runs `body(0) ... body(parts - 1)` on the calling thread and up to `parts - 1` workers.
    func run(_ parts: Int, _ body: (Int) -> Void) {
        guard parts > 1, parts < 0xFFFFF, busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            for i in 0..<parts { body(i) }
            return
        }
        defer { busy.store(false, ordering: .releasing) }
        ensureWorkers(parts - 1)
        withoutActuallyEscaping(body) { body in
            self.body = body
            lastGeneration = (lastGeneration + 1) & 0xFFFFFF
            partsLeft.store(parts, ordering: .relaxed)
            ticket.store(lastGeneration << 40 | parts << 20, ordering: .releasing)
            lock.lock()
            if sleepers > 0 { lock.broadcast() }
            lock.unlock()
            work(generation: lastGeneration)
            // The workers' parts are short: spin until they are done.
            var turn = 0
            while partsLeft.load(ordering: .acquiring) > 0 {
                spinPause(turn)
                turn += 1
            }
            self.body = nil
        }
    }

    /// Takes parts of region `generation` until none are left.
    private func work(generation: Int) {
        var t = ticket.load(ordering: .acquiring)
        while Self.generation(t) == generation, Self.next(t) < Self.parts(t) {
            let (exchanged, current) = ticket.compareExchange(expected: t, desired: t + 1, ordering: .acquiringAndReleasing)
            if exchanged {
                body!(Self.next(t))
                partsLeft.subtract(1, ordering: .releasing)
                t = ticket.load(ordering: .acquiring)
            } else {
                t = current
            }
        }
    }

    private func ensureWorkers(_ n: Int) {
        lock.lock()
        defer { lock.unlock() }
        while workerCount < n {
            workerCount += 1
            // Workers keep their pool alive: a pool lives as long as its threads, which never
            // end (the shared pool, for the whole process).
            // The generation it has seen is read now, before the caller publishes its region,
            // so a thread that starts late still joins that region.
            let seen = Self.generation(ticket.load(ordering: .acquiring))
            let thread = Thread { self.workerLoop(seen: seen) }
            thread.name = "graphc-worker-\(workerCount)"
            thread.start()
        }
    }

    private func workerLoop(seen start: Int) {
        var seen = start
        while true {
            // Watch for the next region for a while, then sleep until one is published.
            var current = Self.generation(ticket.load(ordering: .acquiring))
            if current == seen {
                let start = DispatchTime.now().uptimeNanoseconds
                var spins = 0
                while current == seen {
                    spinPause(spins)
                    spins += 1
                    if spins & 63 == 0, DispatchTime.now().uptimeNanoseconds - start > Self.spinNanoseconds { break }
                    current = Self.generation(ticket.load(ordering: .acquiring))
                }
                if current == seen {
                    lock.lock()
                    sleepers += 1
                    while Self.generation(ticket.load(ordering: .acquiring)) == seen { lock.wait() }
                    sleepers -= 1
                    lock.unlock()
                    current = Self.generation(ticket.load(ordering: .acquiring))
                }
            }
            seen = current
            work(generation: current)
        }
    }

    /// One turn of a busy wait: the CPU's pause hint, and every 64th turn a `sched_yield`, so
    /// a spinning thread never starves one the scheduler put on the same core. Yielding on every
    /// turn kept the core's other hyperthread busy with system calls: when a VM's two virtual
    /// CPUs share one core, the thread waiting slowed the one working.
    @inline(__always)
    private func spinPause(_ turn: Int) {
        graphc_spin_pause()
        if turn & 63 == 63 { sched_yield() }
    }
}
