import Foundation
import GraphcFormats
import GraphcIR
import GraphcTestSupport
import Testing
@testable import GraphcImages

/// JPEG and PNG decoding and the preprocessing presets against the frameworks:
/// Tests/Fixtures/images/make_image_fixtures.py saved PIL's decoded pixels, torchvision's
/// evaluation transform, and (with TensorFlow) slim's Inception and VGG preprocessing.
@Suite struct ImageTests {
    static let images = ["scene.jpg", "scene.png", "gray.jpg"]

    func path(_ name: String) -> String { Repository.path("Tests/Fixtures/images/\(name)") }

    func reference(_ name: String) throws -> HostTensor? {
        FileManager.default.fileExists(atPath: path(name)) ? try NumPyFile.read(path: path(name)) : nil
    }

    @Test(arguments: images)
    func decodesAsPILDoes(_ name: String) throws {
        let image = try ImageFile.read(path: path(name))
        let expected = try #require(try reference(name + ".rgb.npy"))
        #expect([image.height, image.width, 3] == expected.shape)
        #expect(image.pixels.map(Float.init) == expected.data, "\(name): every byte as PIL decodes it")
    }

    @Test(arguments: images)
    func torchPresetIsTorchvisionsTransform(_ name: String) throws {
        let image = try ImageFile.read(path: path(name))
        let expected = try #require(try reference(name + ".torch.npy"))
        let got = Preprocessing.torch.prepare(image, size: 112)
        // PIL's fixed-point resize is reproduced exactly; what remains is float rounding.
        #expect(zip(got, expected.data).map { abs($0 - $1) }.max()! <= 1e-5, "\(name)")
    }

    @Test(arguments: images, ["tf", "vgg"])
    func tensorflowPresetsAreSlimsPreprocessing(_ name: String, _ preset: String) throws {
        let expected = try #require(try reference("\(name).\(preset).npy"), "make_image_fixtures.py --tf-only writes it")
        let got = Preprocessing(rawValue: preset)!.prepare(try ImageFile.read(path: path(name)), size: 112)
        let scale = expected.data.map(abs).max()!
        #expect(zip(got, expected.data).map { abs($0 - $1) }.max()! <= 1e-5 * scale, "\(name) \(preset)")
    }

    @Test func aBatchIsChannelsFirstWhenTheModelIsAndBGRForCaffe() throws {
        let image = try ImageFile.read(path: path("scene.jpg"))
        let hwc = Preprocessing.torch.prepare(image, size: 112)
        let nchw = Preprocessing.torch.batch([image, image], size: 112, channelsFirst: true)
        #expect(nchw.shape == [2, 3, 112, 112])
        for c in 0..<3 { for p in [0, 77, 12543] { #expect(nchw.data[(112 * 112 * 3) + c * 112 * 112 + p] == hwc[p * 3 + c]) } }
        let vgg = Preprocessing.vgg.prepare(image, size: 112), caffe = Preprocessing.caffe.prepare(image, size: 112)
        // The same pixel: caffe's channel 0 is blue (vgg's 2), each less its own mean.
        #expect(abs((caffe[0] + 103.939) - (vgg[2] + 103.94)) < 1e-3)
    }

    @Test func brokenFilesAreErrorsNamingTheFile() throws {
        #expect(throws: FileFormatError.self) { _ = try ImageFile.read(path: path("truncated.jpg")) }
        do {
            _ = try ImageFile.read(path: path("truncated.jpg"))
        } catch {
            #expect(error.path.hasSuffix("truncated.jpg") && error.problems[0].hasPrefix("corrupt or truncated JPEG: "), "\(error)")
        }
        #expect(throws: FileFormatError(path("not_an_image.jpg"), "not a JPEG or PNG image (it starts with 74 68 69 73)")) {
            _ = try ImageFile.read(path: path("not_an_image.jpg"))
        }
        let png = try Data(contentsOf: URL(fileURLWithPath: path("scene.png")))
        #expect(throws: FileFormatError.self) { _ = try ImageFile.decode(png.prefix(png.count / 2), path: "half.png") }
        #expect(throws: FileFormatError("missing.png", "cannot read the image file")) { _ = try ImageFile.read(path: "missing.png") }
    }

    @Test func shippedImageNetLabelsAreTheThousandClasses() {
        #expect(ImageNetClasses.names.count == 1000)
        #expect(ImageNetClasses.names[0] == "tench" && ImageNetClasses.names[281] == "tabby" && ImageNetClasses.names[999] == "toilet tissue")
    }
}
