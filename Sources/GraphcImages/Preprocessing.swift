import GraphcIR

/// How images become a model's input, as the framework a model was trained in prepares them
/// for evaluation. Each gives `[N, size, size, 3]` (or `[N, 3, size, size]` for a model that
/// takes channels first, as PyTorch exports do).
public enum Preprocessing: String, CaseIterable, Sendable {
    /// torchvision's evaluation transform: the shorter side resized to size / 0.875 (256 for
    /// 224) with PIL's antialiased bilinear filter, the centre size x size cropped, values
    /// / 255, then (x - mean) / std with ImageNet's mean (0.485, 0.456, 0.406) and std
    /// (0.229, 0.224, 0.225).
    case torch
    /// slim's Inception preprocessing for evaluation (also MobileNet's): values / 255, the
    /// central 87.5% cropped (TF1's central_crop), resized to size x size with TF1's
    /// bilinear resize, then (x - 0.5) * 2, in [-1, 1].
    case tf
    /// slim's VGG / ResNet v1 preprocessing for evaluation: the shorter side resized to 256
    /// (TF1 bilinear, sizes rounded half to even), the centre cropped, ImageNet's RGB means
    /// (123.68, 116.78, 103.94) subtracted from values in [0, 255].
    case vgg
    /// Caffe's (Keras's `preprocess_input(mode='caffe')`): resized and cropped as `vgg`, then
    /// channels in BGR order with the means (103.939, 116.779, 123.68) subtracted.
    case caffe
    /// Resized to size x size with TF1's bilinear resize, values / 255 in [0, 1].
    case none

    /// The most pixels a preset resizes an image to before it crops (an image 1 pixel wide and
    /// 65,535 high would otherwise become 256 x 16.7M).
    public static let maxResizedPixels = 1 << 26

    /// The pixels `prepare` resizes `image` to on the way to `size` x `size`.
    public func resizedPixels(_ image: RGBImage, size: Int) -> Int {
        let short = Double(min(image.width, image.height)), long = Double(max(image.width, image.height))
        switch self {
        case .torch: let s = (Double(size) / 0.875).rounded(); return Int(min(s * (s * long / short), 1e18))
        case .vgg, .caffe: let s = Double(max(256, size)); return Int(min(s * (s * long / short), 1e18))
        case .tf, .none: return size * size
        }
    }

    /// The images as one batch, every image made `size` x `size`.
    public func batch(_ images: [RGBImage], size: Int, channelsFirst: Bool) -> HostTensor {
        var data: [Float] = []
        data.reserveCapacity(images.count * size * size * 3)
        for image in images {
            let hwc = prepare(image, size: size)
            if channelsFirst {
                for c in 0..<3 { for p in 0..<size * size { data.append(hwc[p * 3 + c]) } }
            } else {
                data.append(contentsOf: hwc)
            }
        }
        return HostTensor(shape: channelsFirst ? [images.count, 3, size, size] : [images.count, size, size, 3], data: data)
    }

    /// One image as `[size, size, 3]` floats.
    public func prepare(_ image: RGBImage, size: Int) -> [Float] {
        switch self {
        case .torch:
            let short = Int((Double(size) / 0.875).rounded())
            // torchvision: the shorter side to `short`, the longer one int(short * long / short_side).
            let (w, h) = image.width <= image.height
                ? (short, Int(Double(short) * Double(image.height) / Double(image.width)))
                : (Int(Double(short) * Double(image.width) / Double(image.height)), short)
            let resized = ImageResize.pilBilinear(image, width: w, height: h)
            // CenterCrop: int(round((h - size) / 2.0)), Python's round.
            let top = Int((Double(h - size) / 2).rounded(.toNearestOrEven)), left = Int((Double(w - size) / 2).rounded(.toNearestOrEven))
            let mean: [Float] = [0.485, 0.456, 0.406], std: [Float] = [0.229, 0.224, 0.225]
            return crop(resized, top: top, left: left, size: size) { v, c in (Float(v) / 255 - mean[c]) / std[c] }
        case .tf:
            let scale: Float = 1 / 255
            // TF1's central_crop(0.875): the offset is the size // int(1 / ((1 - 0.875) / 2)) = size // 16.
            let top = image.height / 16, left = image.width / 16
            let h = image.height - 2 * top, w = image.width - 2 * left
            let cropped = cropFloats(image, top: top, left: left, width: w, height: h) { v, _ in Float(v) * scale }
            return ImageResize.tfBilinear(cropped, width: w, height: h, toWidth: size, toHeight: size).map { ($0 - 0.5) * 2 }
        case .vgg, .caffe:
            let side = max(256, size)
            let factor = Float(side) / Float(min(image.width, image.height))
            let h = Int((Float(image.height) * factor).rounded(.toNearestOrEven)), w = Int((Float(image.width) * factor).rounded(.toNearestOrEven))
            let floats = image.pixels.map { Float($0) }
            let resized = ImageResize.tfBilinear(floats, width: image.width, height: image.height, toWidth: w, toHeight: h)
            let top = (h - size) / 2, left = (w - size) / 2
            var out = [Float](repeating: 0, count: size * size * 3)
            let rgbMeans: [Float] = [123.68, 116.78, 103.94], bgrMeans: [Float] = [103.939, 116.779, 123.68]
            for y in 0..<size { for x in 0..<size { for c in 0..<3 {
                if self == .vgg {
                    out[(y * size + x) * 3 + c] = resized[((top + y) * w + left + x) * 3 + c] - rgbMeans[c]
                } else {
                    out[(y * size + x) * 3 + c] = resized[((top + y) * w + left + x) * 3 + (2 - c)] - bgrMeans[c]
                }
            } } }
            return out
        case .none:
            let floats = image.pixels.map { Float($0) / 255 }
            return ImageResize.tfBilinear(floats, width: image.width, height: image.height, toWidth: size, toHeight: size)
        }
    }

    /// The size x size square at (top, left), each value through `f(value, channel)`.
    func crop(_ image: RGBImage, top: Int, left: Int, size: Int, _ f: (UInt8, Int) -> Float) -> [Float] {
        cropFloats(image, top: top, left: left, width: size, height: size, f)
    }

    func cropFloats(_ image: RGBImage, top: Int, left: Int, width: Int, height: Int, _ f: (UInt8, Int) -> Float) -> [Float] {
        var out = [Float](repeating: 0, count: width * height * 3)
        for y in 0..<height { for x in 0..<width { for c in 0..<3 {
            out[(y * width + x) * 3 + c] = f(image.pixels[((top + y) * image.width + left + x) * 3 + c], c)
        } } }
        return out
    }
}
