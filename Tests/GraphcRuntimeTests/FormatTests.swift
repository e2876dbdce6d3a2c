import Foundation
import GraphcFormats
import GraphcIR
import GraphcTestSupport
import Testing
@testable import GraphcRuntime

/// Safetensors and .npy files, built byte by byte in the tests (not by graphc's writers), read
/// back; every corruption is an error naming the file and what is wrong.
@Suite struct FormatTests {
    let folder = Repository.temporaryFolder("graphc-formats")

    func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// A safetensors file: header length, JSON header, data.
    func safetensors(_ header: String, _ data: [UInt8]) -> [UInt8] {
        let json = Array(header.utf8)
        return withUnsafeBytes(of: UInt64(json.count).littleEndian, Array.init) + json + data
    }

    func bytes(_ values: [Float]) -> [UInt8] { values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) } }

    @Test func readsF32AndConvertsF16BF16F64() throws {
        let f16: [UInt8] = [0x00, 0x3C, 0x00, 0xC0]                 // 1.0, -2.0
        let bf16: [UInt8] = [0x40, 0x40]                             // 3.0
        let f64 = withUnsafeBytes(of: (0.5 as Double).bitPattern.littleEndian, Array.init)
        let f32 = bytes([1.5, -2.25])
        let data = f32 + f16 + bf16 + f64
        let header = """
        {"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F16","shape":[2],"data_offsets":[8,12]},\
        "c":{"dtype":"BF16","shape":[1,1],"data_offsets":[12,14]},"d":{"dtype":"F64","shape":[],"data_offsets":[14,22]},\
        "__metadata__":{"format":"pt"}}
        """
        let path = try file("mixed.safetensors", safetensors(header, data))
        let f = try Safetensors.File(path: path)
        #expect(f.entries["a"]?.floats() == [1.5, -2.25])
        #expect(f.entries["b"]?.floats() == [1, -2])
        #expect(f.entries["c"]?.floats() == [3])
        #expect(f.entries["c"]?.shape == [1, 1])
        #expect(f.entries["d"]?.floats() == [0.5])
        #expect(f.metadata["format"] == "pt")
    }

    @Test func rejectsCorruptFiles() throws {
        let good = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}"
        func problems(_ bytes: [UInt8], _ name: String) throws -> [String] {
            let path = try file(name, bytes)
            do {
                _ = try Safetensors.File(path: path)
                return []
            } catch {
                #expect(error.path == path)
                return error.problems
            }
        }
        #expect(try problems([1, 2, 3], "short.safetensors") == ["truncated: 3 bytes, too short for the 8-byte header length"])
        #expect(try problems(withUnsafeBytes(of: UInt64(1000).littleEndian, Array.init) + Array("{}".utf8), "long.safetensors")
                == ["header length 1000 runs past the end of the file (10 bytes)"])
        #expect(try problems(safetensors("{\"a\": [", []), "json.safetensors").first?.hasPrefix("malformed header JSON") == true)
        #expect(try problems(safetensors(good, bytes([1])), "truncated.safetensors")
                == ["'a': data_offsets [0, 8] lie outside the 4-byte data buffer (truncated file?)"])
        let overlapping = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}"
        #expect(try problems(safetensors(overlapping, bytes([1, 2])), "overlap.safetensors")
                == ["'a' and 'b' overlap in the data buffer ([0, 8) and [4, 8))"])
        let badSize = "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}"
        #expect(try problems(safetensors(badSize, bytes([1, 2])), "size.safetensors")
                == ["'a': 8 bytes of data for shape [3] of F32, which needs 12"])
        let badDtype = "{\"a\":{\"dtype\":\"Q4\",\"shape\":[2],\"data_offsets\":[0,8]}}"
        #expect(try problems(safetensors(badDtype, bytes([1, 2])), "dtype.safetensors") == ["'a': unknown dtype Q4"])
        #expect(throws: FileFormatError.self) { _ = try Safetensors.File(path: folder.appendingPathComponent("absent").path) }
    }

    @Test func weightsAreCheckedAgainstTheGraphListingEveryOffender() throws {
        let b = GraphBuilder()
        let x = try b.placeholder(shape: TensorShape([1, 4, 4, 2]))
        _ = try b.conv2d(x, numOutputs: 3, kernel: (3, 3), scope: "conv")
        _ = try b.batchNorm(x, scale: true, scope: "bn")
        let header = """
        {"conv/weights":{"dtype":"F32","shape":[3,3,3,2],"data_offsets":[0,216]},\
        "bn/beta":{"dtype":"I64","shape":[2],"data_offsets":[216,232]},\
        "bn/gamma":{"dtype":"F32","shape":[2],"data_offsets":[232,240]},\
        "bn/moving_mean":{"dtype":"F32","shape":[2],"data_offsets":[240,248]},\
        "bn/moving_variance":{"dtype":"F32","shape":[2],"data_offsets":[248,256]},\
        "fc/weights":{"dtype":"F32","shape":[1],"data_offsets":[256,260]}}
        """
        let path = try file("weights.safetensors", safetensors(header, [UInt8](repeating: 0, count: 260)))
        do {
            _ = try WeightStore.load(safetensors: path, for: b.graph)
            Issue.record("expected an error")
        } catch {
            #expect(error.problems == [
                "variable 'conv/weights' has shape (3, 3, 3, 2) in the file, the graph expects (3, 3, 2, 3)",
                "missing variable 'conv/biases' (3,)",
                "variable 'bn/beta' has dtype I64; graphc reads F32, F16, BF16 or F64",
                "unexpected variable 'fc/weights' (1,): the graph has no such variable",
            ])
        }
    }

    @Test func weightsRoundTripThroughTheWriter() throws {
        let b = GraphBuilder()
        let x = try b.placeholder(shape: TensorShape([1, 4, 4, 2]))
        _ = try b.conv2d(x, numOutputs: 3, kernel: (3, 3), scope: "conv")
        let store = WeightStore.initialize(b.graph, seed: 5)
        let path = folder.appendingPathComponent("init.safetensors").path
        try Safetensors.write(store.tensors(for: b.graph), metadata: ["seed": "5"], to: path)
        let loaded = try WeightStore.load(safetensors: path, for: b.graph)
        for (name, t) in store.tensors(for: b.graph) {
            #expect(Array(UnsafeBufferPointer(start: loaded[name]!, count: t.count)) == t.data)
        }
        // He-scaled weights: 18 inputs per filter, stddev 1/3, cut at two standard deviations.
        let w = store.tensors(for: b.graph)[0].tensor.data
        #expect(w.allSatisfy { abs($0) <= 2 / 3 + 1e-6 })
        #expect(store.tensors(for: b.graph)[1].tensor.data == [0, 0, 0])
    }

    /// A version 1.0 .npy file with the given header dict and payload.
    func npy(_ dict: String, _ payload: [UInt8]) -> [UInt8] {
        var header = dict
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        let n = UInt16(header.utf8.count)
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(n & 0xFF), UInt8(n >> 8)] + Array(header.utf8) + payload
    }

    @Test func readsFloat32AndFloat64Npy() throws {
        let a = try NumPyFile.read(path: file("a.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", bytes([1, 2, 3, 4, 5, 6]))))
        #expect(a == HostTensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6]))
        let doubles = [0.25, -1.5].flatMap { withUnsafeBytes(of: ($0 as Double).bitPattern.littleEndian, Array.init) }
        let b = try NumPyFile.read(path: file("b.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", doubles)))
        #expect(b == HostTensor(shape: [2], data: [0.25, -1.5]))
        let path = folder.appendingPathComponent("c.npy").path
        try NumPyFile.write(a, to: path)
        #expect(try NumPyFile.read(path: path) == a)
    }

    @Test func rejectsOtherNpy() throws {
        func message(_ bytes: [UInt8]) throws -> String {
            let path = try file("bad.npy", bytes)
            do {
                _ = try NumPyFile.read(path: path)
                return ""
            } catch {
                return error.problems.joined()
            }
        }
        #expect(try message(npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", bytes([1, 2, 3, 4])))
                == "Fortran-order arrays are not supported; save np.ascontiguousarray(x)")
        #expect(try message(npy("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", bytes([1, 2])))
                .hasPrefix("dtype <i4 is not supported"))
        #expect(try message(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", bytes([1, 2])))
                == "truncated: shape [4] needs 16 bytes of data, the file has 8")
        #expect(try message(Array("hello world".utf8)) == "not a NumPy .npy file (missing the \\x93NUMPY magic)")
        #expect(try message(npy("{'descr': '<f4'}", [])).hasPrefix("corrupt header"))
        #expect(try message([0x93] + Array("NUMPY".utf8) + [1, 0, 0xFF, 0x00]) == "corrupt header: its length 255 runs past the end of the file")
    }
}
