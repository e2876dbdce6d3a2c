import GraphcDiagnostics
import GraphcIR

/// Which passes run.
public struct PipelineOptions: Sendable {
    /// `-O0` runs none (the lowerings still run).
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
public struct PipelineError: Error, Sendable, CustomStringConvertible, Equatable {
    public let message: String
    public var description: String { message }
}

/// The lowerings, which always run, then the optimizer's passes, in the order they run.
public enum Pipeline {
    /// Rewrites every compiled graph needs, whatever the options: kernels exist only for what
    /// they leave (no batch norm reaches the runtime).
    public static let lowerings: [Pass] = [
        LowerBatchNorm.pass,
    ]

    /// The optimizations, which the options choose among.
    public static let passes: [Pass] = [
        EliminateIdentities.pass,
        FoldConstants.pass,
        FoldBatchNorm.pass,
        FuseConvActivation.pass,
        FuseResidualAdd.pass,
        FoldPadIntoConvolution.pass,
        FusePrologue.pass,
        UseWinograd.pass,
        PackWeights.pass,
        EliminateDeadCode.pass,
    ]

    #if DEBUG
    public static let isDebugBuild = true
    #else
    public static let isDebugBuild = false
    #endif

    /// A pass or lowering by name.
    public static func pass(named name: String) throws(PipelineError) -> Pass {
        guard let p = (lowerings + passes).first(where: { $0.name == name }) else {
            throw PipelineError(message: "unknown pass '\(name)'" + Spelling.didYouMean(name, among: passes.map(\.name))
                                + "; passes: " + (lowerings + passes).map(\.name).joined(separator: ", "))
        }
        return p
    }

    /// The lowerings, then the passes the options select, in order.
    public static func selected(_ options: PipelineOptions) throws(PipelineError) -> [Pass] {
        let mandatory = Set(lowerings.map(\.name))
        for name in options.disabled.sorted() + (options.only ?? []) {
            _ = try pass(named: name)
            if mandatory.contains(name) { throw PipelineError(message: "\(name) is a lowering: it always runs, first") }
        }
        guard options.optimize else { return lowerings }
        if let only = options.only {
            var chosen: [Pass] = []
            for name in only { chosen.append(try pass(named: name)) }
            return lowerings + chosen.filter { !options.disabled.contains($0.name) }
        }
        return lowerings + passes.filter { !options.disabled.contains($0.name) }
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
