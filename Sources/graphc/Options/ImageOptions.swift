import ArgumentParser
import Foundation
import GraphcCompiler
import GraphcFormats
import GraphcIR
import GraphcImages

/// `run --image a.jpg [--image b.png] [--preprocess P] [--size N] [--labels L]`: images decoded
/// and prepared as a framework prepares them, fed as one batch to the model's only input, and
/// its classes named.
struct ImageOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Feed a JPEG or PNG image (repeat for a batch) to the model's only input.", valueName: "file"))
    var image: [String] = []

    @Option(help: ArgumentHelp("How images become the input: torch (torchvision: resize to 256, crop 224, ImageNet mean/std), tf (slim's Inception: central crop, resize, [-1, 1]), vgg (slim's VGG: resize to 256, crop, mean subtracted), caffe (as vgg, BGR), none (resize, [0, 1]).", valueName: "preset"))
    var preprocess: String = "torch"

    @Option(parsing: .unconditional, help: ArgumentHelp("The square size images are cropped to (default: the input's own height and width, else 224).", valueName: "n"))
    var size: Int?

    @Option(help: ArgumentHelp("Name the classes: a text file with one label per line, or 'imagenet' for the 1000 ImageNet classes graphc ships.", valueName: "file|imagenet"))
    var labels: String?

    func validate() throws {
        guard Preprocessing(rawValue: preprocess) != nil else {
            throw ValidationError("--preprocess takes " + Preprocessing.allCases.map(\.rawValue).joined(separator: ", ") + ", got '\(preprocess)'")
        }
        if let size, size < 1 { throw ValidationError("--size must be at least 1, got \(size)") }
        if image.isEmpty, size != nil || preprocess != "torch" { throw ValidationError("--preprocess and --size apply to --image") }
    }

    /// The images as the batch for the model's only placeholder, or nil without --image.
    func input(for graph: GraphOptions) throws -> InputFile? {
        guard !image.isEmpty else { return nil }
        let shapesGiven = try graph.parsedInputShapes()
        if !graph.inputFileSpecs().isEmpty || !shapesGiven.isEmpty {
            Stderr.write("graphc: error: --image and --input both feed the model; give one of them\n")
            throw ExitCode(1)
        }
        let placeholders: [Node]
        if graph.isPlan {
            placeholders = try reportingErrors { try PlanFile.read(path: graph.file) }.graph.placeholders
        } else {
            placeholders = try graph.evaluate(printing: false, fillBatch: false).graph.placeholders
        }
        guard placeholders.count == 1, let placeholder = placeholders.first, placeholder.shape.rank == 4 else {
            Stderr.write("graphc: error: --image feeds a model with one 4-D input; \(graph.file) has "
                         + placeholders.map { "'\($0.name)' \($0.shape)" }.joined(separator: ", ") + "\n")
            throw ExitCode(1)
        }
        let dims = placeholder.shape.dims
        // Channels first when dimension 1 is the 3 colours and the last is not (PyTorch's exports).
        let channelsFirst = dims[1] == 3 && dims[3] != 3
        let (h, w) = channelsFirst ? (dims[2], dims[3]) : (dims[1], dims[2])
        guard (channelsFirst ? dims[1] : dims[3]) == 3 else {
            Stderr.write("graphc: error: --image gives 3 colour channels; '\(placeholder.name)' is \(placeholder.shape)\n")
            throw ExitCode(1)
        }
        let side = size ?? (h != nil && h == w ? h! : 224)
        if let h, let w, h != side || w != side {
            Stderr.write("graphc: error: '\(placeholder.name)' takes \(h) x \(w) images; --size \(side) cannot feed it\n")
            throw ExitCode(1)
        }
        if let n = dims[0], n != image.count {
            Stderr.write("graphc: error: '\(placeholder.name)' takes a batch of \(n); \(image.count) image\(image.count == 1 ? "" : "s") given\n")
            throw ExitCode(1)
        }
        let decoded = try reportingErrors { try image.map { path throws(FileFormatError) in try ImageFile.read(path: path) } }
        let preset = Preprocessing(rawValue: preprocess)!
        for (path, picture) in zip(image, decoded) where preset.resizedPixels(picture, size: side) > Preprocessing.maxResizedPixels {
            Stderr.write("graphc: error: \(path): a \(picture.width) x \(picture.height) image is too elongated for --preprocess \(preprocess) (it would be resized to over \(Preprocessing.maxResizedPixels) pixels)\n")
            throw ExitCode(1)
        }
        let tensor = preset.batch(decoded, size: side, channelsFirst: channelsFirst)
        return InputFile(name: placeholder.name, path: image.joined(separator: ","), tensor: tensor)
    }

    /// Class names, from the file or the shipped ImageNet list; nil without --labels.
    func classNames() throws -> [String]? {
        guard let labels else { return nil }
        if labels == "imagenet" { return ImageNetClasses.names }
        guard let text = try? String(contentsOfFile: labels, encoding: .utf8) else {
            Stderr.write("graphc: error: cannot read the labels file \(labels)\n")
            throw ExitCode(1)
        }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            .reversed().drop { $0.isEmpty }.reversed()
    }
}
