/// Names visible to running code: a function call's locals, its closure, the module globals.
final class Environment {
    var variables: [String: Value] = [:]
    let parent: Environment?
    init(parent: Environment?) { self.parent = parent }

    func lookup(_ name: String) -> Value? {
        var env: Environment? = self
        while let e = env {
            if let v = e.variables[name] { return v }
            env = e.parent
        }
        return nil
    }

    /// Every visible name, for "did you mean" suggestions.
    var allNames: Set<String> {
        var names = Set<String>()
        var env: Environment? = self
        while let e = env { names.formUnion(e.variables.keys); env = e.parent }
        return names
    }
}
