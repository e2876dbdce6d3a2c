import Foundation
import GraphcFormats
import GraphcIR
import GraphcPasses

/// A compiled plan (.gplan): a serialized `CompiledModel` (the optimized graph, its concrete
/// shapes, its buffer assignment and its folded weights) in one versioned, checksummed file laid
/// out so that loading is a memory map.
///
///     offset 0   "GRAPHCPL"  magic (8 bytes)
///            8   version     UInt32 LE (4)
///           12   flags       UInt32 LE (0)
///           16   header      byte length of the JSON header, UInt64 LE
///           24   data        offset of the weight data, UInt64 LE (64-byte aligned)
///           32   data size   UInt64 LE
///           40   checksum    FNV-1a 64 of the header and data bytes, UInt64 LE
///           48   reserved    16 zero bytes
///           64   header      JSON: graph, shapes, buffer assignment, weight index
///         data   weights     float32 LE, each tensor 64-byte aligned
public enum PlanFile {
    public static let magic = Array("GRAPHCPL".utf8)
    /// 2: activations and binary ops are encoded as `activation` and `binary` ops.
    /// 3: `resize` replaced `resizeBilinear`.
    /// 4: convolutions may have a prologue (FusePrologue), which a reader of version 3 would
    /// silently skip.
    public static let version: UInt32 = 4
    static let preambleBytes = 64

    /// The JSON header.
    public struct Header: Codable {
        public struct Weight: Codable {
            public var name: String
            public var shape: [Int]
            /// Byte offset in the data section.
            public var offset: Int
        }

        public var producer: String
        public var source: String
        public var graph: Graph
        /// The batch unknown dimensions were planned with (nil when every dimension is known).
        public var plannedBatch: Int?
        /// The concrete shapes the assignment is for.
        public var shapes: [[Int]]
        public var assignment: BufferAssignment
        public var weights: [Weight]
    }

    /// Writes `model` to `path`.
    public static func write(_ model: CompiledModel, to path: String) throws(FileFormatError) {
        var index: [Header.Weight] = []
        var dataSize = 0
        for v in model.graph.variables {
            let shape = v.shape.dims.map { $0 ?? 0 }
            index.append(.init(name: v.name, shape: shape, offset: dataSize))
            dataSize += BufferPlanner.aligned(shape.reduce(1, *) * 4)
        }
        let header = Header(producer: "graphc 0.1.0", source: model.source, graph: model.graph, plannedBatch: model.resolvedBatch,
                            shapes: model.shapes, assignment: model.assignment, weights: index)
        let json: Data
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            json = try encoder.encode(header)
        } catch {
            throw FileFormatError(path, "cannot encode the plan: \(error)")
        }
        let dataOffset = BufferPlanner.aligned(preambleBytes + json.count)
        var data = [UInt8](repeating: 0, count: dataSize)
        for w in index {
            guard let p = model.weights[w.name] else { throw FileFormatError(path, "no value for variable '\(w.name)'") }
            let count = w.shape.reduce(1, *)
            data.withUnsafeMutableBytes { raw in
                for i in 0..<count { raw.storeBytes(of: p[i].bitPattern.littleEndian, toByteOffset: w.offset + 4 * i, as: UInt32.self) }
            }
        }
        var headerBytes = [UInt8](json)
        headerBytes += [UInt8](repeating: 0x20, count: dataOffset - preambleBytes - json.count)
        let checksum = fnv1a(headerBytes, fnv1a(data))
        var out = magic
        func append<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
        append(version); append(UInt32(0)); append(UInt64(json.count)); append(UInt64(dataOffset)); append(UInt64(dataSize)); append(checksum)
        out += [UInt8](repeating: 0, count: 16)
        out += headerBytes
        out += data
        do {
            try Data(out).write(to: URL(fileURLWithPath: path))
        } catch {
            throw FileFormatError(path, "cannot write: \(error.localizedDescription)")
        }
    }

    /// The checksum a plan stores at byte 40: FNV-1a 64 of its header region, then its data
    /// region. (A fuzzer recomputes it, so its mutations reach the checks behind it.)
    public static func checksum(header: UnsafeRawBufferPointer, data: UnsafeRawBufferPointer) -> UInt64 {
        fnv1a(header, fnv1a(data))
    }

    /// FNV-1a 64 over the header bytes then the data bytes (order matters only for the hash).
    static func fnv1a(_ bytes: [UInt8], _ seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
        var h = seed
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    static func fnv1a(_ bytes: UnsafeRawBufferPointer, _ seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
        var h = seed
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    /// Reads and checks the plan at `path`: every field that could make it unsafe to run is
    /// validated, the weights point into the mapped file.
    public static func read(path: String) throws(FileFormatError) -> CompiledModel {
        try read(mapping: try MappedFile(path: path))
    }

    /// Reads and checks a plan already mapped (or copied) into memory.
    public static func read(mapping: MappedFile) throws(FileFormatError) -> CompiledModel {
        let path = mapping.path
        let bytes = mapping.bytes
        guard bytes.count >= preambleBytes else { throw FileFormatError(path, "truncated: \(bytes.count) bytes, shorter than the 64-byte preamble") }
        guard Array(bytes[0..<8]) == magic else { throw FileFormatError(path, "not a graphc plan (bad magic)") }
        func u32(_ o: Int) -> UInt32 { UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: o, as: UInt32.self)) }
        func u64(_ o: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: o, as: UInt64.self)) }
        let fileVersion = u32(8)
        guard fileVersion == version else {
            throw FileFormatError(path, "plan version \(fileVersion) is not supported (this graphc reads version \(version)); recompile it")
        }
        let headerLength = u64(16), dataOffset = u64(24), dataSize = u64(32), checksum = u64(40)
        guard dataOffset >= UInt64(preambleBytes), headerLength <= dataOffset - UInt64(preambleBytes), dataOffset % 64 == 0, dataOffset <= UInt64(bytes.count),
              dataSize <= UInt64(bytes.count) - dataOffset else {
            throw FileFormatError(path, "truncated or corrupt: header \(headerLength) bytes, data at \(dataOffset) of \(dataSize) bytes, file \(bytes.count) bytes")
        }
        let headerRegion = UnsafeRawBufferPointer(rebasing: bytes[preambleBytes..<Int(dataOffset)])
        let dataRegion = UnsafeRawBufferPointer(rebasing: bytes[Int(dataOffset)..<Int(dataOffset + dataSize)])
        guard fnv1a(headerRegion, fnv1a(dataRegion)) == checksum else {
            throw FileFormatError(path, "corrupted: the checksum does not match its contents")
        }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: Data(UnsafeRawBufferPointer(rebasing: headerRegion[0..<Int(headerLength)])))
        } catch {
            throw FileFormatError(path, "malformed plan header: \(error)")
        }
        var problems: [String] = []
        // Everything after this indexes by node id, which only a verified graph makes safe.
        do { try Verifier.verify(header.graph) } catch { throw FileFormatError(path, error.problems.map { "graph: \($0)" }) }
        if header.shapes.count != header.graph.nodes.count {
            problems.append("shapes: \(header.shapes.count) entries for \(header.graph.nodes.count) nodes")
        } else {
            for node in header.graph.nodes {
                let s = header.shapes[node.id]
                guard s.count == node.shape.rank, zip(s, node.shape.dims).allSatisfy({ $1 == nil || $0 == $1! }) else {
                    problems.append("shapes: \(s) does not fit '\(node.name)' \(node.shape)"); break
                }
            }
        }
        if header.assignment.valueOffset.count != header.graph.nodes.count { problems.append("assignment: offsets for \(header.assignment.valueOffset.count) of \(header.graph.nodes.count) nodes") }
        let store = WeightStore(source: path, keepAlive: mapping)
        let variables = Dictionary(header.graph.variables.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for w in header.weights {
            guard let v = variables[w.name], v.shape.dims.map({ $0 ?? -1 }) == w.shape, let count = v.shape.elementCount,
                  count <= GraphBuilder.maxElements else {
                problems.append("weights: '\(w.name)' \(w.shape) is not a variable of the graph"); continue
            }
            guard w.offset >= 0, w.offset % 4 == 0, w.offset <= dataRegion.count, 4 * count <= dataRegion.count - w.offset else {
                problems.append("weights: '\(w.name)' lies outside the data section"); continue
            }
            store.borrow(w.name, (dataRegion.baseAddress! + w.offset).assumingMemoryBound(to: Float.self))
        }
        for v in header.graph.variables where store[v.name] == nil { problems.append("weights: no data for variable '\(v.name)'") }
        if problems.isEmpty { problems += validate(header.assignment, graph: header.graph, shapes: header.shapes) }
        if !problems.isEmpty { throw FileFormatError(path, problems) }
        return CompiledModel(graph: header.graph, shapes: header.shapes, assignment: header.assignment, weights: store,
                             resolvedBatch: header.plannedBatch, memory: MemoryPlan.figures(of: header.assignment, graph: header.graph, shapes: header.shapes),
                             source: path)
    }


    /// Checks that every buffer and scratch area fits in the arena, that each convolution that
    /// needs scratch has at least one row of it, and that no two areas live at the same step
    /// overlap (values sharing a buffer by the liveness rules share its offset).
    static func validate(_ a: BufferAssignment, graph: Graph, shapes: [[Int]]) -> [String] {
        var problems: [String] = []
        guard shapes.allSatisfy({ s in s.allSatisfy { $0 >= 0 } && (try? GraphBuilder.checkSize(TensorShape(s.map { $0 }), "value")) != nil }) else {
            return ["shapes: a dimension is negative or too large"]
        }
        // The kernels trust the stored shapes: they must be exactly what the graph's shape rules
        // give for the stored input shapes (the batch included), not merely fit the declared ones.
        let fed = Dictionary(graph.placeholders.map { ($0.name, shapes[$0.id]) }, uniquingKeysWith: { a, _ in a })
        guard let derived = try? ShapeResolution.concreteShapes(graph, batch: nil, fed: fed).shapes, derived == shapes else {
            return ["shapes: the stored shapes are not what the graph's shape rules give for its inputs"]
        }
        // Scratch only where a kernel needs it, once per node.
        var seen = Set<NodeID>()
        for area in a.scratch {
            guard area.node >= 0, area.node < graph.nodes.count, KernelScratch.elements(graph[area.node], shapes) != nil,
                  seen.insert(area.node).inserted else {
                return ["assignment: a scratch area for node \(area.node), which needs none or has one already"]
            }
        }
        let liveness = Liveness(graph: graph, shapes: shapes, inPlace: a.inPlace)
        // (offset, bytes, first step, last step, what)
        var areas: [(Int, Int, Int, Int, String)] = []
        for (b, buffer) in liveness.buffers.enumerated() {
            let offsets = Set(buffer.values.map { a.valueOffset[$0] })
            guard offsets.count == 1, let only = offsets.first, let offset = only else {
                problems.append("assignment: values of buffer \(b) ('\(graph[buffer.values[0]].name)') do not share one offset"); continue
            }
            guard offset >= 0, offset % 4 == 0, offset <= a.arenaBytes, buffer.bytes <= a.arenaBytes - offset else {
                problems.append("assignment: '\(graph[buffer.values[0]].name)' does not fit in the \(a.arenaBytes)-byte arena"); continue
            }
            areas.append((offset, buffer.bytes, buffer.first, buffer.last, graph[buffer.values[0]].name))
        }
        for node in graph.nodes {
            if a.valueOffset[node.id] == nil, liveness.bufferOf[node.id] != nil { problems.append("assignment: no place for '\(node.name)'") }
            guard let needed = KernelScratch.elements(node, shapes), let step = liveness.stepOf[node.id] else { continue }
            guard let area = a.scratchArea(for: node.id), area.elements >= KernelScratch.minimumElements(node, shapes), area.elements <= needed,
                  area.offset >= 0, area.offset <= a.arenaBytes, area.elements <= (a.arenaBytes - area.offset) / 4 else {
                problems.append("assignment: bad scratch for '\(node.name)'"); continue
            }
            areas.append((area.offset, area.elements * 4, step, step, "the scratch of '\(node.name)'"))
        }
        for i in areas.indices {
            for j in areas.indices where i < j {
                let (o1, b1, f1, l1, n1) = areas[i], (o2, b2, f2, l2, n2) = areas[j]
                if f1 <= l2, f2 <= l1, o1 < o2 + b2, o2 < o1 + b1 {
                    problems.append("assignment: \(n1) and \(n2) overlap while both are live")
                    return problems
                }
            }
        }
        return problems
    }
}
