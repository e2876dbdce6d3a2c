import Foundation
import GraphcIR

/// NumPy's .npy format: `\x93NUMPY`, a version, a header length, a Python-dict header
/// (`{'descr': '<f4', 'fortran_order': False, 'shape': (1, 224, 224, 3), }`), then the data.
/// graphc reads little-endian float32 (native) and float64 (converted) in C order.
public enum NumPyFile {
    public static func read(path: String) throws(FileFormatError) -> HostTensor {
        let mapping = try MappedFile(path: path)
        return try parse(mapping.bytes, path: path)
    }

    /// Parses .npy bytes; `path` names them in messages.
    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(FileFormatError) -> HostTensor {
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw FileFormatError(path, "not a NumPy .npy file (missing the \\x93NUMPY magic)")
        }
        let major = bytes[6]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(UInt16(bytes[8]) | UInt16(bytes[9]) << 8)
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw FileFormatError(path, "truncated .npy header") }
            headerLength = Int(UInt32(bytes[8]) | UInt32(bytes[9]) << 8 | UInt32(bytes[10]) << 16 | UInt32(bytes[11]) << 24)
            headerStart = 12
        default:
            throw FileFormatError(path, "unsupported .npy version \(major).\(bytes[7])")
        }
        guard headerStart + headerLength <= bytes.count else {
            throw FileFormatError(path, "corrupt header: its length \(headerLength) runs past the end of the file")
        }
        guard let header = String(bytes: bytes[headerStart..<(headerStart + headerLength)], encoding: .utf8) else {
            throw FileFormatError(path, "corrupt header: not text")
        }
        let dict = header.trimmingCharacters(in: .whitespacesAndNewlines)
        guard dict.hasPrefix("{"), dict.hasSuffix("}") else {
            throw FileFormatError(path, "corrupt header: not a Python dict {...}: \(dict.prefix(80))")
        }
        guard let descr = field("descr", in: header), let fortran = field("fortran_order", in: header), let shapeText = field("shape", in: header) else {
            throw FileFormatError(path, "corrupt header: expected 'descr', 'fortran_order' and 'shape' in \(header.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        let dtype = descr.trimmingCharacters(in: CharacterSet(charactersIn: "'\" "))
        guard dtype == "<f4" || dtype == "<f8" else {
            throw FileFormatError(path, "dtype \(dtype) is not supported: graphc reads little-endian float32 ('<f4') or float64 ('<f8'); convert with x.astype(np.float32)")
        }
        guard fortran.trimmingCharacters(in: .whitespaces) == "False" else {
            throw FileFormatError(path, "Fortran-order arrays are not supported; save np.ascontiguousarray(x)")
        }
        let inner = shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "() "))
        var shape: [Int] = []
        for part in inner.split(separator: ",") {
            let t = part.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { continue }
            guard let d = Int(t), d >= 0 else { throw FileFormatError(path, "corrupt header: bad shape \(shapeText)") }
            shape.append(d)
        }
        var count = 1
        for d in shape {
            let (p, o) = count.multipliedReportingOverflow(by: d)
            guard !o else { throw FileFormatError(path, "corrupt header: shape \(shapeText) is too large") }
            count = p
        }
        let itemSize = dtype == "<f4" ? 4 : 8
        let dataStart = headerStart + headerLength
        let (needed, overflow) = count.multipliedReportingOverflow(by: itemSize)
        guard !overflow, bytes.count - dataStart >= needed else {
            throw FileFormatError(path, "truncated: shape \(shape) needs \(needed) bytes of data, the file has \(bytes.count - dataStart)")
        }
        var data = [Float](repeating: 0, count: count)
        if itemSize == 4 {
            for i in 0..<count { data[i] = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: dataStart + 4 * i, as: UInt32.self))) }
        } else {
            for i in 0..<count { data[i] = Float(Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: dataStart + 8 * i, as: UInt64.self)))) }
        }
        return HostTensor(shape: shape, data: data)
    }

    /// The text of `'key': value` in a header dict; tuples are kept whole.
    private static func field(_ key: String, in header: String) -> String? {
        guard let keyRange = header.range(of: "'\(key)'") ?? header.range(of: "\"\(key)\"") else { return nil }
        var rest = header[keyRange.upperBound...].drop { $0 == " " }
        guard rest.first == ":" else { return nil }
        rest = rest.dropFirst().drop { $0 == " " }
        if rest.first == "(" {
            guard let close = rest.firstIndex(of: ")") else { return nil }
            return String(rest[...close])
        }
        let end = rest.firstIndex { $0 == "," || $0 == "}" } ?? rest.endIndex
        return String(rest[..<end])
    }

    /// Writes a float32 C-order .npy (version 1.0), header padded to 64 bytes.
    public static func write(_ tensor: HostTensor, to path: String) throws(FileFormatError) {
        let shape = tensor.shape.count == 1 ? "(\(tensor.shape[0]),)" : "(" + tensor.shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shape), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var out = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
        let length = UInt16(header.utf8.count)
        out.append(UInt8(length & 0xFF)); out.append(UInt8(length >> 8))
        out.append(header.data(using: .ascii)!)
        out.reserveCapacity(out.count + 4 * tensor.count)
        tensor.data.withUnsafeBufferPointer { p in
            for v in p { withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
        }
        do {
            try out.write(to: URL(fileURLWithPath: path))
        } catch {
            throw FileFormatError(path, "cannot write: \(error.localizedDescription)")
        }
    }
}
