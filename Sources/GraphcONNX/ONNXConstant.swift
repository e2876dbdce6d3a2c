import Foundation

/// A value the importer knows at import time: an initializer, a `Constant` node, or the
/// result of folding shape arithmetic (`Shape`, `Gather`, `Concat` ... on constants). Floats
/// are weights; integers are shapes, axes and indices. A nil integer is a size unknown at
/// import time (the batch), carried through shape arithmetic so `x.view(x.size(0), -1)`
/// still becomes a reshape to `[-1, K]`.
struct ONNXConstant {
    enum Values {
        case floats([Float])
        case ints([Int64?])
    }

    var dims: [Int]
    var values: Values

    var count: Int { dims.reduce(1, *) }

    var floats: [Float] {
        switch values {
        case let .floats(f): return f
        case let .ints(i): return i.map { Float($0 ?? -1) }
        }
    }

    /// The integers, unknown ones nil; floats are truncated as ONNX's Cast does.
    var ints: [Int64?] {
        switch values {
        case let .floats(f): return f.map { $0.isFinite && abs($0) < 9.2e18 ? Int64($0) : nil }
        case let .ints(i): return i
        }
    }

    var isInteger: Bool { if case .ints = values { return true } else { return false } }

    init(dims: [Int], values: Values) { self.dims = dims; self.values = values }
    init(dims: [Int], floats: [Float]) { self.dims = dims; values = .floats(floats) }
    init(dims: [Int], ints: [Int64?]) { self.dims = dims; values = .ints(ints) }

    /// Element `i` (row-major) as a new scalar or the elements at `indices`.
    func gathering(_ indices: [Int], axis: Int, indexDims: [Int]) -> ONNXConstant {
        let outer = dims[..<axis].reduce(1, *), inner = dims[(axis + 1)...].reduce(1, *), size = dims[axis]
        var order: [Int] = []
        for o in 0..<outer { for i in indices { for k in 0..<inner { order.append((o * size + i) * inner + k) } } }
        let newDims = Array(dims[..<axis]) + indexDims + Array(dims[(axis + 1)...])
        switch values {
        case let .floats(f): return ONNXConstant(dims: newDims, floats: order.map { f[$0] })
        case let .ints(v): return ONNXConstant(dims: newDims, ints: order.map { v[$0] })
        }
    }
}

extension ONNXConstant {
    /// Decodes a TensorProto: float, double and float16 as floats; int64, int32, int8,
    /// uint8 and bool as integers. Data may be typed fields, raw little-endian bytes, or
    /// external (`location`, `offset`, `length` beside the model, as PyTorch's exporter writes
    /// large models).
    init(_ t: Onnx_TensorProto, modelFolder: String, external: inout [String: Data]) throws(ONNXImportError) {
        let dims = t.dims.map { Int($0) }
        guard dims.allSatisfy({ $0 >= 0 }) else { throw ONNXImportError("tensor '\(t.name)' has a negative dimension \(t.dims)") }
        var count = 1
        for d in dims {
            let (p, overflow) = count.multipliedReportingOverflow(by: d)
            // 2^33 values (32 GiB of floats): larger is a mistake or a hostile file.
            guard !overflow, p <= 1 << 33 else { throw ONNXImportError("tensor '\(t.name)' of shape \(t.dims) is too large") }
            count = p
        }
        var raw = t.rawData
        if t.dataLocation == .external {
            raw = try Self.externalBytes(t, modelFolder: modelFolder, cache: &external)
        }
        func fromRaw<T>(_: T.Type) throws(ONNXImportError) -> [T] {
            guard raw.count == count * MemoryLayout<T>.size else {
                throw ONNXImportError("tensor '\(t.name)' has \(raw.count) bytes of data, not the \(count * MemoryLayout<T>.size) its shape \(dims) needs")
            }
            return raw.withUnsafeBytes { bytes in (0..<count).map { bytes.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self) } }
        }
        func checked<T>(_ v: [T], _ field: String) throws(ONNXImportError) -> [T] {
            guard v.count == count else { throw ONNXImportError("tensor '\(t.name)' has \(v.count) values in \(field), not the \(count) its shape \(dims) needs") }
            return v
        }
        let rawGiven = !raw.isEmpty || t.dataLocation == .external
        let decoded: Values
        switch Onnx_TensorProto.DataType(rawValue: Int(t.dataType)) {
        case .float?:
            decoded = .floats(rawGiven ? try fromRaw(Float.self) : try checked(t.floatData, "float_data"))
        case .double?:
            decoded = .floats((rawGiven ? try fromRaw(Double.self) : try checked(t.doubleData, "double_data")).map { Float($0) })
        case .float16?:
            // float16 travels in int32_data, one value per entry, when not raw.
            let bits: [UInt16] = rawGiven ? try fromRaw(UInt16.self) : try checked(t.int32Data, "int32_data").map { UInt16(truncatingIfNeeded: $0) }
            decoded = .floats(bits.map { Float(Float16(bitPattern: $0)) })
        case .int64?:
            decoded = .ints((rawGiven ? try fromRaw(Int64.self) : try checked(t.int64Data, "int64_data")).map { $0 })
        case .int32?:
            decoded = .ints((rawGiven ? try fromRaw(Int32.self) : try checked(t.int32Data, "int32_data")).map { Int64($0) })
        case .int8?:
            decoded = .ints((rawGiven ? try fromRaw(Int8.self) : try checked(t.int32Data, "int32_data").map { Int8(truncatingIfNeeded: $0) }).map { Int64($0) })
        case .uint8?, .bool?:
            decoded = .ints((rawGiven ? try fromRaw(UInt8.self) : try checked(t.int32Data, "int32_data").map { UInt8(truncatingIfNeeded: $0) }).map { Int64($0) })
        default:
            throw ONNXImportError("tensor '\(t.name)' has data type \(t.dataType), which graphc does not read (it reads float, double, float16 and integers)")
        }
            self.init(dims: dims, values: decoded)
    }

    private static func externalBytes(_ t: Onnx_TensorProto, modelFolder: String, cache: inout [String: Data]) throws(ONNXImportError) -> Data {
        var fields: [String: String] = [:]
        for entry in t.externalData { fields[entry.key] = entry.value }
        guard let location = fields["location"], !location.isEmpty else { throw ONNXImportError("tensor '\(t.name)' is stored externally but names no location") }
        guard !location.hasPrefix("/"), !location.split(separator: "/").contains("..") else {
            throw ONNXImportError("tensor '\(t.name)': external data location '\(location)' must be a path inside the model's folder")
        }
        let path = (modelFolder as NSString).appendingPathComponent(location)
        let data: Data
        if let cached = cache[path] {
            data = cached
        } else {
            guard let mapped = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) else {
                throw ONNXImportError("tensor '\(t.name)': cannot read its external data file \(path)")
            }
            cache[path] = mapped
            data = mapped
        }
        let offset = Int(fields["offset"] ?? "0") ?? -1
        let length = fields["length"].map { Int($0) ?? -1 } ?? (data.count - max(offset, 0))
        guard offset >= 0, length >= 0, offset <= data.count, length <= data.count - offset else {
            throw ONNXImportError("tensor '\(t.name)': external data at offset \(fields["offset"] ?? "0"), length \(fields["length"] ?? "-") lies outside \(path) (\(data.count) bytes)")
        }
        return data.subdata(in: data.startIndex + offset..<data.startIndex + offset + length)
    }
}

/// A model that cannot be imported: the message names the file and the node or tensor.
public struct ONNXImportError: Error, Sendable, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
