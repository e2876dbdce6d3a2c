import CImageCodecs
import Foundation
import GraphcFormats

/// An 8-bit RGB image, rows top to bottom, pixels interleaved R, G, B.
public struct RGBImage: Equatable, Sendable {
    public let width: Int, height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * 3, "an RGB image needs width x height x 3 bytes")
        self.width = width; self.height = height; self.pixels = pixels
    }
}

/// JPEG and PNG files decoded to RGB, as PIL's `Image.open(path).convert('RGB')` does:
/// libjpeg-turbo with its accurate integer IDCT and smooth chroma upsampling (PIL's
/// defaults), grayscale expanded to RGB, and a PNG's alpha dropped. A file that is neither,
/// or that is corrupt or cut short, is an error naming the file and what libjpeg or libpng
/// said about it.
public enum ImageFile {
    /// The most pixels graphc decodes (a 16k x 16k image); larger headers are refused before
    /// any memory is taken.
    public static let maxPixels = 1 << 28

    public static func read(path: String) throws(FileFormatError) -> RGBImage {
        guard let data = FileManager.default.contents(atPath: path) else { throw FileFormatError(path, "cannot read the image file") }
        return try decode(data, path: path)
    }

    public static func decode(_ data: Data, path: String) throws(FileFormatError) -> RGBImage {
        let bytes = [UInt8](data)
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return try decodeJPEG(bytes, path: path) }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return try decodePNG(bytes, path: path) }
        throw FileFormatError(path, "not a JPEG or PNG image (it starts with \(bytes.prefix(4).map { String(format: "%02x", $0) }.joined(separator: " ")))")
    }

    static func decodeJPEG(_ bytes: [UInt8], path: String) throws(FileFormatError) -> RGBImage {
        guard let handle = tjInitDecompress() else { throw FileFormatError(path, "libjpeg-turbo could not start a decoder") }
        defer { tjDestroy(handle) }
        func failure(_ what: String) -> FileFormatError {
            FileFormatError(path, "\(what): \(String(cString: tjGetErrorStr2(handle)))")
        }
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        let header = bytes.withUnsafeBufferPointer {
            tjDecompressHeader3(handle, $0.baseAddress, UInt(bytes.count), &width, &height, &subsampling, &colorspace)
        }
        guard header == 0 else { throw failure("corrupt JPEG header") }
        guard width > 0, height > 0, Int(width) * Int(height) <= maxPixels else {
            throw FileFormatError(path, "a JPEG of \(width) x \(height) pixels is not something graphc decodes (at most \(maxPixels) pixels)")
        }
        var pixels = [UInt8](repeating: 0, count: Int(width) * Int(height) * 3)
        // Stop on warnings too: libjpeg only warns about a file cut short, and fills the rest grey.
        let flags = Int32(TJFLAG_STOPONWARNING)
        let status = bytes.withUnsafeBufferPointer { input in
            pixels.withUnsafeMutableBufferPointer { output in
                tjDecompress2(handle, input.baseAddress, UInt(bytes.count), output.baseAddress, width, 0, height, Int32(TJPF_RGB.rawValue), flags)
            }
        }
        guard status == 0 else { throw failure("corrupt or truncated JPEG") }
        return RGBImage(width: Int(width), height: Int(height), pixels: pixels)
    }

    static func decodePNG(_ bytes: [UInt8], path: String) throws(FileFormatError) -> RGBImage {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        func failure(_ what: String) -> FileFormatError {
            let message = withUnsafeBytes(of: image.message) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
            return FileFormatError(path, "\(what): \(message)")
        }
        let begun = bytes.withUnsafeBufferPointer { png_image_begin_read_from_memory(&image, $0.baseAddress, $0.count) }
        guard begun != 0 else { throw failure("corrupt PNG") }
        defer { png_image_free(&image) }
        let (width, height) = (Int(image.width), Int(image.height))
        guard width > 0, height > 0, width * height <= maxPixels else {
            throw FileFormatError(path, "a PNG of \(width) x \(height) pixels is not something graphc decodes (at most \(maxPixels) pixels)")
        }
        // RGBA, then alpha dropped, as PIL's convert('RGB') does (libpng would composite it).
        image.format = UInt32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA)
        var rgba = [UInt8](repeating: 0, count: width * height * 4)
        let finished = rgba.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, 0, nil) }
        guard finished != 0 else { throw failure("corrupt or truncated PNG") }
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        for p in 0..<width * height { for c in 0..<3 { rgb[p * 3 + c] = rgba[p * 4 + c] } }
        return RGBImage(width: width, height: height, pixels: rgb)
    }
}
