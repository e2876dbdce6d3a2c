import GraphcDiagnostics
import GraphcIR

/// Which passes run.
public struct PipelineOptions: Sendable {
    /// `-O0` runs none.
    public var optimize = true
    /// `--disable-pass NAME`.
    public var disabled: Set<String> = []
    /// `--passes a,b,c`: exactly these, in this order.
    public var only: [String]?
    /// Re-infer shapes and verify the graph after every pass (always on in debug builds).
    public var verify = Pipeline.isDebugBuild

    public init() {}
}

/// A pass name that is not a pass, or a pass that broke the graph.
public struct PipelineError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// The optimizer's passes, in the order they run.
public enum Pipeline {
    public static let passes: [Pass] = [
        EliminateIdentities.pass,
        FoldConstants.pass,
        FoldBatchNorm.pass,
        FuseConvActivation.pass,
        FuseResidualAdd.pass,
        EliminateDeadCode.pass,
    ]

    #if DEBUG
    public static let isDebugBuild = true
    #else
    public static let isDebugBuild = false
    #endif

    public static func pass(named name: String) throws(PipelineError) -> Pass {
        guard let p = passes.first(where: { $0.name == name }) else {
            throw PipelineError(message: "unknown pass '\(name)'" + Spelling.didYouMean(name, among: passes.map(\.name))
                                + "; passes: " + passes.map(\.name).joined(separator: ", "))
        }
        return p
    }

    /// The passes the options select, in order.
    public static func selected(_ options: PipelineOptions) throws(PipelineError) -> [Pass] {
        for name in options.disabled { _ = try pass(named: name) }
        guard options.optimize else { return [] }
        if let only = options.only {
            var chosen: [Pass] = []
            for name in only { chosen.append(try pass(named: name)) }
            return chosen.filter { !options.disabled.contains($0.name) }
        }
        return passes.filter { !options.disabled.contains($0.name) }
    }

    /// Runs the selected passes; `after` sees the graph after each one.
    public static func run(_ program: inout Program, options: PipelineOptions = PipelineOptions(),
                           after: ((Pass, Graph) -> Void)? = nil) throws(PipelineError) {
        for pass in try selected(options) {
            do {
                try pass.run(&program)
            } catch {
                throw PipelineError(message: "pass \(pass.name) failed: \(error)")
            }
            if options.verify {
                do {
                    try Verifier.verify(program.graph)
                } catch {
                    throw PipelineError(message: "after \(pass.name): \(error)")
                }
            }
            after?(pass, program.graph)
        }
    }
}
