import GraphcIR
import GraphcPasses

/// An SVG picture of a memory plan: each buffer a rectangle spanning its lifetime (x, in
/// schedule steps) at its offset (y, in bytes), labelled by the scope of its first value; kernel scratch
/// scratch in a second colour; the lower bound drawn as a dashed line.
enum PlanPicture {
    static func svg(_ model: CompiledModel, title: String) -> String {
        let graph = model.graph, memory = model.memory
        let liveness = Liveness(graph: graph, shapes: model.shapes, inPlace: model.assignment.inPlace)
        // (offset, bytes, first step, last step, label): buffers, then scratch areas.
        var areas: [(offset: Int, bytes: Int, first: Int, last: Int, label: String, isScratch: Bool)] = []
        for buffer in liveness.buffers {
            let name = graph[buffer.values[0]].name
            let scope = name.split(separator: "/").dropLast().suffix(3).joined(separator: "/")
            areas.append((model.assignment.valueOffset[buffer.values[0]] ?? 0, buffer.bytes, buffer.first, buffer.last,
                          scope.isEmpty ? name : scope, false))
        }
        for area in model.assignment.scratch {
            guard let step = liveness.stepOf[area.node] else { continue }
            areas.append((area.offset, area.elements * 4, step, step, "scratch", true))
        }
        let steps = max(liveness.stepCount, 1)
        let width = max(800, min(2400, steps * 12)), height = 600
        let left = 70, top = 40, right = 20, bottom = 50
        let plotW = Double(width - left - right), plotH = Double(height - top - bottom)
        let maxBytes = Double(max(memory.arenaBytes, memory.lowerBoundBytes, 1))
        func x(_ step: Int) -> Double { Double(left) + plotW * Double(step) / Double(steps) }
        func y(_ bytes: Int) -> Double { Double(top) + plotH * (1 - Double(bytes) / maxBytes) }
        func mib(_ b: Int) -> String {
            let v = Int((Double(b) / 1_048_576 * 100).rounded())
            return "\(v / 100).\(v % 100 < 10 ? "0" : "")\(v % 100) MiB"
        }
        func f(_ v: Double) -> String { String(Int((v * 10).rounded()) / 10) + "." + String(abs(Int((v * 10).rounded()) % 10)) }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"10\">\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        out += "<text x=\"\(left)\" y=\"20\" font-size=\"14\">\(escape(title)): arena \(mib(memory.arenaBytes)), lower bound \(mib(memory.lowerBoundBytes)), naive \(mib(memory.naiveBytes))</text>\n"
        // Axes.
        out += "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(height - bottom)\" stroke=\"black\"/>\n"
        out += "<line x1=\"\(left)\" y1=\"\(height - bottom)\" x2=\"\(width - right)\" y2=\"\(height - bottom)\" stroke=\"black\"/>\n"
        for i in 0...4 {
            let b = Int(maxBytes) * i / 4
            out += "<text x=\"\(left - 5)\" y=\"\(f(y(b)) )\" text-anchor=\"end\">\(mib(b))</text>\n"
        }
        out += "<text x=\"\(Double(left) + plotW / 2)\" y=\"\(height - 15)\" text-anchor=\"middle\">schedule step (\(steps) ops)</text>\n"
        // Buffers, then scratch areas.
        for area in areas {
            let (offset, isScratch, label) = (area.offset, area.isScratch, area.label)
            let request = (bytes: area.bytes, first: area.first, last: area.last)
            let x0 = x(request.first), x1 = x(request.last + 1)
            let y0 = y(offset + BufferPlanner.aligned(request.bytes)), y1 = y(offset)
            let fill = isScratch ? "#f4a582" : "#92c5de"
            out += "<rect x=\"\(f(x0))\" y=\"\(f(y0))\" width=\"\(f(max(x1 - x0, 1)))\" height=\"\(f(max(y1 - y0, 1)))\" fill=\"\(fill)\" stroke=\"#2166ac\" stroke-width=\"0.5\"><title>\(escape(label)) \(request.bytes) bytes at +\(offset), steps \(request.first)-\(request.last)</title></rect>\n"
            if x1 - x0 > 40, y1 - y0 > 10 {
                out += "<text x=\"\(f(x0 + 2))\" y=\"\(f(y1 - 3))\" font-size=\"8\">\(escape(label))</text>\n"
            }
        }
        let lb = y(memory.lowerBoundBytes)
        out += "<line x1=\"\(left)\" y1=\"\(f(lb))\" x2=\"\(width - right)\" y2=\"\(f(lb))\" stroke=\"#b2182b\" stroke-dasharray=\"6,4\"/>\n"
        out += "<text x=\"\(width - right)\" y=\"\(f(lb - 4))\" text-anchor=\"end\" fill=\"#b2182b\">lower bound \(mib(memory.lowerBoundBytes))</text>\n"
        return out + "</svg>\n"
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}
