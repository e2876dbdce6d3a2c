import Foundation
import GraphcIR

/// The safetensors format (what PyTorch, JAX and Hugging Face users share): an 8-byte
/// little-endian header length, a JSON header mapping names to dtype, shape and
/// `data_offsets` into the byte buffer that follows, then the buffer.
public enum Safetensors {
    /// Element types graphc reads; F32 is native, F16, BF16 and F64 are converted.
    public enum DType: String, Sendable, CaseIterable {
        case f32 = "F32", f16 = "F16", bf16 = "BF16", f64 = "F64"
        case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8", u8 = "U8", bool = "BOOL"

        public var size: Int {
            switch self {
            case .f64, .i64: return 8
            case .f32, .i32: return 4
            case .f16, .bf16, .i16: return 2
            case .i8, .u8, .bool: return 1
            }
        }

        public var isFloat: Bool { [.f32, .f16, .bf16, .f64].contains(self) }
    }

    /// One tensor of a file: where its bytes are and how to read them.
    public struct Entry: @unchecked Sendable {
        public let name: String
        public let dtype: DType
        public let shape: [Int]
        public let bytes: UnsafeRawBufferPointer

        public var count: Int { shape.reduce(1, *) }

        /// The values as float32 (converting F16, BF16 and F64).
        public func floats() -> [Float] {
            var out = [Float](repeating: 0, count: count)
            out.withUnsafeMutableBufferPointer { copyFloats(into: $0.baseAddress!) }
            return out
        }

        /// Writes the values as float32 into `destination` (count elements).
        public func copyFloats(into destination: UnsafeMutablePointer<Float>) {
            let n = count
            switch dtype {
            case .f32:
                for i in 0..<n { destination[i] = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
            case .f64:
                for i in 0..<n { destination[i] = Float(Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))) }
            case .f16:
                for i in 0..<n { destination[i] = Float(Float16(bitPattern: UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))) }
            case .bf16:
                for i in 0..<n {
                    let bits = UInt32(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16
                    destination[i] = Float(bitPattern: bits)
                }
            default:
                for i in 0..<n { destination[i] = 0 }
            }
        }
    }

    /// A parsed, validated safetensors file, memory-mapped.
    public final class File: @unchecked Sendable {
        public let path: String
        public let entries: [String: Entry]
        /// Names in file order (by data offset).
        public let names: [String]
        public let metadata: [String: String]
        private let mapping: MappedFile

        public convenience init(path: String) throws(FileFormatError) {
            try self.init(mapping: try MappedFile(path: path))
        }

        /// Parses and checks a mapped (or copied) file.
        public init(mapping: MappedFile) throws(FileFormatError) {
            let path = mapping.path
            self.path = path
            self.mapping = mapping
            let bytes = mapping.bytes
            guard bytes.count >= 8 else {
                throw FileFormatError(path, "truncated: \(bytes.count) bytes, too short for the 8-byte header length")
            }
            let headerLength = UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self))
            guard headerLength <= UInt64(bytes.count - 8) else {
                throw FileFormatError(path, "header length \(headerLength) runs past the end of the file (\(bytes.count) bytes)")
            }
            let headerBytes = UnsafeRawBufferPointer(rebasing: bytes[8..<(8 + Int(headerLength))])
            let json: Any
            do {
                json = try JSONSerialization.jsonObject(with: Data(headerBytes), options: [])
            } catch {
                throw FileFormatError(path, "malformed header JSON: \(error.localizedDescription)")
            }
            guard let header = json as? [String: Any] else { throw FileFormatError(path, "malformed header: not a JSON object") }
            let buffer = UnsafeRawBufferPointer(rebasing: bytes[(8 + Int(headerLength))...])
            var entries: [String: Entry] = [:]
            var metadata: [String: String] = [:]
            var problems: [String] = []
            var ranges: [(name: String, begin: Int, end: Int)] = []
            for (name, value) in header {
                if name == "__metadata__" {
                    if let m = value as? [String: Any] { for (k, v) in m { metadata[k] = "\(v)" } }
                    continue
                }
                guard let info = value as? [String: Any] else { problems.append("'\(name)': entry is not an object"); continue }
                guard let dtypeName = info["dtype"] as? String, let dtype = DType(rawValue: dtypeName) else {
                    problems.append("'\(name)': unknown dtype \(info["dtype"].map { "\($0)" } ?? "(missing)")"); continue
                }
                guard let shapeValues = info["shape"] as? [Any], let shape = Self.ints(shapeValues), shape.allSatisfy({ $0 >= 0 }) else {
                    problems.append("'\(name)': shape must be a list of non-negative integers"); continue
                }
                guard let offsetValues = info["data_offsets"] as? [Any], let offsets = Self.ints(offsetValues), offsets.count == 2 else {
                    problems.append("'\(name)': data_offsets must be [begin, end]"); continue
                }
                let (begin, end) = (offsets[0], offsets[1])
                var count = 1, tooLarge = false
                for d in shape {
                    let (p, o) = count.multipliedReportingOverflow(by: d)
                    if o { tooLarge = true }
                    count = p
                }
                guard !tooLarge, count <= GraphBuilder.maxElements else {
                    problems.append("'\(name)': shape \(shape) is too large"); continue
                }
                let (expectedBytes, overflow) = count.multipliedReportingOverflow(by: dtype.size)
                guard begin >= 0, end >= begin, end <= buffer.count else {
                    problems.append("'\(name)': data_offsets [\(begin), \(end)] lie outside the \(buffer.count)-byte data buffer (truncated file?)"); continue
                }
                guard !overflow, end - begin == expectedBytes else {
                    problems.append("'\(name)': \(end - begin) bytes of data for shape \(shape) of \(dtype.rawValue), which needs \(overflow ? "too many" : String(expectedBytes))"); continue
                }
                entries[name] = Entry(name: name, dtype: dtype, shape: shape,
                                      bytes: UnsafeRawBufferPointer(rebasing: buffer[begin..<end]))
                ranges.append((name, begin, end))
            }
            ranges.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
            for (a, b) in zip(ranges, ranges.dropFirst()) where b.begin < a.end {
                problems.append("'\(a.name)' and '\(b.name)' overlap in the data buffer ([\(a.begin), \(a.end)) and [\(b.begin), \(b.end)))")
            }
            if !problems.isEmpty { throw FileFormatError(path, problems.sorted()) }
            self.entries = entries
            self.names = ranges.map(\.name)
            self.metadata = metadata
        }

        private static func ints(_ values: [Any]) -> [Int]? {
            var out: [Int] = []
            for v in values {
                guard let n = v as? NSNumber, n.doubleValue == n.doubleValue.rounded() else { return nil }
                guard n.doubleValue >= Double(Int.min), n.doubleValue <= Double(Int.max) else { return nil }
                out.append(n.intValue)
            }
            return out
        }
    }

    /// Writes float32 tensors (name order as given) with optional metadata.
    public static func write(_ tensors: [(name: String, tensor: HostTensor)], metadata: [String: String] = [:], to path: String) throws(FileFormatError) {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        for (name, t) in tensors {
            header[name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + 4 * t.count]] as [String: Any]
            offset += 4 * t.count
        }
        var json: Data
        do {
            json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        } catch {
            throw FileFormatError(path, "cannot encode the header: \(error)")
        }
        // Pad the header with spaces so the data buffer starts 8-byte aligned.
        while (8 + json.count) % 8 != 0 { json.append(0x20) }
        var out = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(json)
        for (_, t) in tensors {
            t.data.withUnsafeBufferPointer { p in
                for v in p { withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
            }
        }
        do {
            try out.write(to: URL(fileURLWithPath: path))
        } catch {
            throw FileFormatError(path, "cannot write: \(error.localizedDescription)")
        }
    }
}
