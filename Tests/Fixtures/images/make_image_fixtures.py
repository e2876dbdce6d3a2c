#!/usr/bin/env python3
"""Generate the image fixtures in Tests/Fixtures/images/ and their framework references.

Images (small, seeded, drawn with PIL): scene.jpg (160x120, quality 90, 4:2:0), scene.png
(90x70 RGBA, alpha dropped on reading), gray.jpg (grayscale, 64x48), truncated.jpg (scene.jpg
cut in half: an error), and not_an_image.jpg (text).

References, as float32 .npy:
  NAME.rgb.npy           PIL's Image.open(NAME).convert('RGB'), [h, w, 3], values 0..255
  NAME.torch.npy         torchvision's Resize(128), CenterCrop(112), ToTensor(), Normalize(
                         ImageNet mean, std) on the PIL image, as [112, 112, 3] (the torch
                         preset at size 112; 224 would make the files 4x larger)
  NAME.tf.npy            (with TensorFlow) slim's inception_preprocessing.preprocess_for_eval
                         at 112 in TF1 semantics: convert_image_dtype, central_crop(0.875),
                         resize_bilinear(align_corners=False), (x - 0.5) * 2
  NAME.vgg.npy           (with TensorFlow) slim's vgg_preprocessing for evaluation at 112:
                         aspect-preserving resize of the shorter side to 256, central crop,
                         ImageNet RGB means subtracted

Run from the repository root with Python environments of your own:
  python Tests/Fixtures/images/make_image_fixtures.py   (torch, torchvision and pillow; and
  tensorflow for the tf and vgg references, skipped when it is not installed), or in two
  environments: --torch-only (writes the images) in one, then --tf-only in the other.
"""

import os
import sys
import types

import numpy as np
from PIL import Image, ImageDraw

HERE = os.path.dirname(os.path.abspath(__file__))


def scene(width, height, seed):
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    base = np.stack([128 + 100 * np.sin(x / 9.0 + rng.random() * 6), 128 + 90 * np.cos(y / 7.0 + rng.random() * 6),
                     128 + 60 * np.sin((x + y) / 13.0)], axis=-1)
    image = Image.fromarray(np.clip(base + rng.normal(0, 12, base.shape), 0, 255).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x0, y0 = int(rng.integers(0, width - 10)), int(rng.integers(0, height - 10))
        draw.ellipse([x0, y0, x0 + int(rng.integers(8, 40)), y0 + int(rng.integers(8, 40))],
                     fill=tuple(int(v) for v in rng.integers(0, 256, 3)))
    return image


def write_images():
    scene(160, 120, 1).save(os.path.join(HERE, "scene.jpg"), quality=90)
    rgba = scene(90, 70, 2).convert("RGBA")
    alpha = Image.fromarray((np.arange(90 * 70).reshape(70, 90) % 256).astype(np.uint8), "L")
    rgba.putalpha(alpha)
    rgba.save(os.path.join(HERE, "scene.png"))
    scene(64, 48, 3).convert("L").save(os.path.join(HERE, "gray.jpg"), quality=85)
    data = open(os.path.join(HERE, "scene.jpg"), "rb").read()
    open(os.path.join(HERE, "truncated.jpg"), "wb").write(data[: len(data) // 2])
    open(os.path.join(HERE, "not_an_image.jpg"), "w").write("this is text, not a JPEG\n")


def torch_references(names):
    sys.modules.setdefault("torchvision._meta_registrations", types.ModuleType("torchvision._meta_registrations"))
    from torchvision import transforms
    t = transforms.Compose([transforms.Resize(128), transforms.CenterCrop(112), transforms.ToTensor(),
                            transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])])
    for name in names:
        image = Image.open(os.path.join(HERE, name)).convert("RGB")
        np.save(os.path.join(HERE, name + ".rgb.npy"), np.asarray(image).astype(np.float32))
        np.save(os.path.join(HERE, name + ".torch.npy"), t(image).numpy().transpose(1, 2, 0).astype(np.float32))


def tf_references(names):
    try:
        import tensorflow as tf
    except ImportError:
        print("make_image_fixtures: no tensorflow; tf and vgg references not written", flush=True)
        return
    tf1 = tf.compat.v1
    for name in names:
        rgb = np.asarray(Image.open(os.path.join(HERE, name)).convert("RGB"))
        image = tf.image.convert_image_dtype(tf.constant(rgb), tf.float32)
        # TF1's central_crop(0.875): offsets size // int(1 / ((1 - 0.875) / 2)).
        h, w = rgb.shape[0], rgb.shape[1]
        top, left = h // 16, w // 16
        image = image[top:h - top, left:w - left]
        image = tf1.image.resize_bilinear(image[None], [112, 112], align_corners=False)[0]
        np.save(os.path.join(HERE, name + ".tf.npy"), ((image - 0.5) * 2.0).numpy().astype(np.float32))
        # vgg_preprocessing: _aspect_preserving_resize(256) and _central_crop, means subtracted.
        image = tf.cast(tf.constant(rgb), tf.float32)
        scale = 256.0 / min(h, w)
        nh, nw = int(np.rint(h * scale)), int(np.rint(w * scale))
        image = tf1.image.resize_bilinear(image[None], [nh, nw], align_corners=False)[0]
        oh, ow = (nh - 112) // 2, (nw - 112) // 2
        image = image[oh:oh + 112, ow:ow + 112] - tf.constant([123.68, 116.78, 103.94])
        np.save(os.path.join(HERE, name + ".vgg.npy"), image.numpy().astype(np.float32))


if __name__ == "__main__":
    # With two environments (torch in one, tensorflow in another): --torch-only writes the
    # images and the PIL and torchvision references, then --tf-only adds TF's for the same files.
    if "--tf-only" not in sys.argv:
        write_images()
    names = ["scene.jpg", "scene.png", "gray.jpg"]
    if "--tf-only" not in sys.argv:
        torch_references(names)
    if "--torch-only" not in sys.argv:
        tf_references(names)
