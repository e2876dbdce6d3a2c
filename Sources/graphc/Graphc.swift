import ArgumentParser

@main
struct Graphc: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graphc",
        abstract: "A static computation-graph compiler for convolutional networks.",
        discussion: "Graph files are Python-flavoured, TF1-slim style network definitions; see Docs/Language.md.",
        version: "0.1.0",
        subcommands: [Shapes.self, Dump.self, Dot.self, Plan.self, Compile.self, Run.self, Bench.self, Vars.self, Init.self, Convert.self]
    )
}
