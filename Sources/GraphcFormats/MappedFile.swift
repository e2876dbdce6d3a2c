import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A read-only memory map of a whole file; weights are read in place, not copied. Bytes
/// already in memory (a fuzzer's input, data a library user holds) can stand in for a file.
public final class MappedFile: @unchecked Sendable {
    public let path: String
    public let bytes: UnsafeRawBufferPointer
    /// Whether `bytes` is an owned copy rather than a map.
    private let isCopy: Bool

    /// A copy of `contents`, named `path` in messages.
    public init(copying contents: UnsafeRawBufferPointer, path: String) {
        self.path = path
        isCopy = true
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: max(contents.count, 1), alignment: 64)
        if let base = contents.baseAddress { copy.baseAddress!.copyMemory(from: base, byteCount: contents.count) }
        bytes = UnsafeRawBufferPointer(start: copy.baseAddress, count: contents.count)
    }

    public init(path: String) throws(FileFormatError) {
        self.path = path
        isCopy = false
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw FileFormatError(path, "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileFormatError(path, "cannot stat: \(String(cString: strerror(errno)))") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw FileFormatError(path, "not a regular file") }
        let size = Int(info.st_size)
        if size == 0 {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw FileFormatError(path, "cannot map: \(String(cString: strerror(errno)))")
        }
        bytes = UnsafeRawBufferPointer(start: base, count: size)
    }

    deinit {
        guard let base = bytes.baseAddress else { return }
        if isCopy { UnsafeMutableRawPointer(mutating: base).deallocate() } else { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }
}
