import Dispatch

/// Splits `0..<count` into at most `threads` contiguous ranges run concurrently. The body
/// must not allocate: it is called from graphc's kernels.
@inline(__always)
func parallelFor(_ count: Int, threads: Int, minimumPerThread: Int = 1, _ body: (Range<Int>) -> Void) {
    let workers = min(threads, max(1, count / max(1, minimumPerThread)))
    if workers <= 1 {
        body(0..<count)
        return
    }
    DispatchQueue.concurrentPerform(iterations: workers) { w in
        let start = count * w / workers, end = count * (w + 1) / workers
        if start < end { body(start..<end) }
    }
}
