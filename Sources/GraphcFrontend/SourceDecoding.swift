import Foundation
import GraphcDiagnostics

/// Graph-file bytes as text: UTF-8, or an error at the first byte that is not.
enum SourceDecoding {
    static func text(of data: Data, path: String) throws(Diagnostic) -> String {
        if let text = String(data: data, encoding: .utf8) { return text }
        let bytes = [UInt8](data)
        let bad = firstInvalidByte(bytes)
        guard bad < bytes.count else { throw Diagnostic("graph file '\(path)' is not UTF-8 text", at: nil) }
        // Show the line with the bad byte (decoded with replacement characters) and point at it.
        let lineEnd = bytes[bad...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
        let before = String(decoding: bytes[..<bad], as: UTF8.self)
        let file = SourceFile(path: path, text: before + String(decoding: bytes[bad..<lineEnd], as: UTF8.self))
        let offset = before.unicodeScalars.count
        throw Diagnostic(String(format: "invalid UTF-8: byte 0x%02X cannot be here; graph files are UTF-8 text", bytes[bad]),
                         at: SourceRange(file: file, start: offset, end: offset + 1))
    }

    /// The index of the first byte that does not continue a valid UTF-8 sequence.
    static func firstInvalidByte(_ bytes: [UInt8]) -> Int {
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            let length: Int, minimum: UInt32
            switch b {
            case 0x00...0x7F: i += 1; continue
            case 0xC2...0xDF: (length, minimum) = (2, 0x80)
            case 0xE0...0xEF: (length, minimum) = (3, 0x800)
            case 0xF0...0xF4: (length, minimum) = (4, 0x10000)
            default: return i
            }
            guard i + length <= bytes.count else { return i }
            var scalar = UInt32(b) & (0xFF >> (length + 1))
            for k in 1..<length {
                guard bytes[i + k] & 0xC0 == 0x80 else { return i }
                scalar = scalar << 6 | UInt32(bytes[i + k] & 0x3F)
            }
            guard scalar >= minimum, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else { return i }
            i += length
        }
        return bytes.count
    }
}
