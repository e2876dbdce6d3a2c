import Foundation

/// How to execute a compiled model.
public struct RunOptions: Sendable {
    /// Threads each kernel splits its work across. GEMMs too are split by graphc, one
    /// single-threaded OpenBLAS call per thread (executors set OpenBLAS to one thread for the
    /// process), so executors running at once never oversubscribe the cores through OpenBLAS.
    public var threads: Int
    /// Run every node on the plain nested-loop reference kernels. They need a plan with every
    /// value in its own buffer (compiled with `reuse` off).
    public var reference: Bool

    public init(threads: Int = ProcessInfo.processInfo.activeProcessorCount, reference: Bool = false) {
        self.threads = max(1, threads)
        self.reference = reference
    }
}

/// A mismatch between a compiled model and what it is run with (input shapes, missing inputs).
public struct RuntimeError: Error, Sendable, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
