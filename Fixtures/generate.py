#!/usr/bin/env python3
"""Generates everything under Fixtures/ with independent encoders (Pillow,
pypng, tifffile), so SegKit's decoders are tested against files it did not
write. Deterministic: re-running gives the same pixel values.

Run from the repo root in the reference environment (requirements-reference.txt:
numpy, Pillow, pypng, tifffile, imagecodecs):

    bash scripts/reference-env && .venv-reference/bin/python Fixtures/generate.py

(bash scripts/regenerate-fixtures runs this and every other generator.)

Codec corpus (Fixtures/codecs/, listed in codecs/manifest.json). Every file is
W x H = 37 x 23 (odd, not a multiple of 8 or 16, so packing, interlacing and
partial tiles are exercised) and holds a pattern the Swift tests recompute:
  samples of depth d <= 8 :  v(x, y, c) = (3x + 5y + 71c) mod 2^d
  16-bit samples          :  v(x, y, c) = (263x + 1031y + 4099c + 1000*page) mod 65536
  palette indices         :  i(x, y)    = (x + 2y) mod N,  N = palette entries
  palette entry i         :  (37i mod 256, 91i mod 256, 151i mod 256, alpha)
                             alpha = 128 when i mod 3 == 1 and the file has tRNS, else 255
JPEG is lossy, so each JPEG has a sidecar NAME.raw with the pixels Pillow
(libjpeg-turbo) decodes, and the pattern there is only approximate.
"""
import json
import os
import shutil

import numpy as np
import png  # pypng
import tifffile
from PIL import Image

ROOT = os.path.dirname(os.path.abspath(__file__))
W, H = 37, 23
YY, XX = np.mgrid[0:H, 0:W]


def pattern(depth, channels, page=0):
    c = np.arange(channels).reshape(1, 1, channels)
    x, y = XX[..., None], YY[..., None]
    if depth == 16:
        v = (263 * x + 1031 * y + 4099 * c + 1000 * page) % 65536
        return v.astype(np.uint16)
    return ((3 * x + 5 * y + 71 * c) % (1 << depth)).astype(np.uint8)


def palette_entries(n, with_alpha):
    return [(37 * i % 256, 91 * i % 256, 151 * i % 256, 128 if (with_alpha and i % 3 == 1) else 255) for i in range(n)]


def indices(n):
    return ((XX + 2 * YY) % n).astype(np.uint8)


manifest = []


def record(name, **kw):
    kw["file"] = name
    kw.setdefault("width", W)
    kw.setdefault("height", H)
    manifest.append(kw)


def codecs_dir():
    d = os.path.join(ROOT, "codecs")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d


def make_png(d):
    modes = {1: "gray", 2: "grayAlpha", 3: "rgb", 4: "rgba"}
    for depth in (1, 2, 4, 8, 16):
        for interlace in (False, True):
            name = f"png-gray-{depth}{'-interlaced' if interlace else ''}.png"
            a = pattern(depth, 1)[..., 0]
            png.Writer(W, H, greyscale=True, bitdepth=depth, interlace=interlace).write(
                open(os.path.join(d, name), "wb"), a.tolist())
            record(name, format="png", color="gray", depth=depth, kind="pattern", interlaced=interlace)
    for channels in (2, 3, 4):
        for depth in (8, 16):
            for interlace in (False, True):
                name = f"png-{modes[channels]}-{depth}{'-interlaced' if interlace else ''}.png"
                a = pattern(depth, channels).reshape(H, W * channels)
                png.Writer(W, H, greyscale=channels <= 2, alpha=channels in (2, 4), bitdepth=depth,
                           interlace=interlace).write(open(os.path.join(d, name), "wb"), a.tolist())
                record(name, format="png", color=modes[channels], depth=depth, kind="pattern", interlaced=interlace)
    for depth in (1, 2, 4, 8):
        for with_alpha in (False, True):
            n = 200 if depth == 8 else (1 << depth)
            pal = palette_entries(n, with_alpha)
            interlace = depth == 4
            name = f"png-palette-{depth}{'-trns' if with_alpha else ''}{'-interlaced' if interlace else ''}.png"
            w = png.Writer(W, H, palette=pal if with_alpha else [p[:3] for p in pal], bitdepth=depth,
                           interlace=interlace)
            w.write(open(os.path.join(d, name), "wb"), indices(n).tolist())
            record(name, format="png", color="palette", depth=depth, kind="palette", entries=n,
                   alpha=with_alpha, interlaced=interlace)


def make_jpeg(d):
    gray = np.clip(4 * XX + 3 * YY, 0, 255).astype(np.uint8)
    rgb = np.stack([gray, (255 - 5 * XX).astype(np.uint8), (6 * YY + 40).astype(np.uint8)], axis=-1)
    for color, arr in (("gray", gray), ("rgb", rgb)):
        for progressive in (False, True):
            name = f"jpeg-{color}{'-progressive' if progressive else ''}.jpg"
            path = os.path.join(d, name)
            Image.fromarray(arr).save(path, quality=90, progressive=progressive)
            decoded = np.asarray(Image.open(path))
            decoded.tofile(path[:-4] + ".raw")
            record(name, format="jpeg", color=color, depth=8, kind="jpeg", raw=name[:-4] + ".raw",
                   interlaced=progressive)
    cmyk = Image.fromarray(rgb).convert("CMYK")
    cmyk.save(os.path.join(d, "jpeg-cmyk.jpg"), quality=90)
    record("jpeg-cmyk.jpg", format="jpeg", color="cmyk", depth=8, kind="unsupported")


def make_tiff(d):
    comps = {"none": None, "lzw": "lzw", "deflate": "zlib", "packbits": "packbits"}
    for color, channels in (("gray", 1), ("rgb", 3)):
        for depth in (8, 16):
            for comp, codec in comps.items():
                name = f"tiff-{color}-{depth}-{comp}-strips.tif"
                tifffile.imwrite(os.path.join(d, name), pattern(depth, channels)[..., 0] if channels == 1 else pattern(depth, channels),
                                 photometric="minisblack" if channels == 1 else "rgb", compression=codec, rowsperstrip=5)
                record(name, format="tiff", color=color, depth=depth, kind="pattern", compression=comp)
            for comp in ("deflate", "lzw"):
                name = f"tiff-{color}-{depth}-{comp}-tiles.tif"
                tifffile.imwrite(os.path.join(d, name), pattern(depth, channels)[..., 0] if channels == 1 else pattern(depth, channels),
                                 photometric="minisblack" if channels == 1 else "rgb", compression=comps[comp], tile=(16, 16))
                record(name, format="tiff", color=color, depth=depth, kind="pattern", compression=comp, tiled=True)
    for depth in (8, 16):
        for tiled in (False, True):
            name = f"tiff-rgb-{depth}-planar{'-tiles' if tiled else ''}.tif"
            planes = np.moveaxis(pattern(depth, 3), -1, 0)
            kw = {"tile": (16, 16)} if tiled else {"rowsperstrip": 7}
            tifffile.imwrite(os.path.join(d, name), planes, photometric="rgb", planarconfig="separate",
                             compression="zlib", **kw)
            record(name, format="tiff", color="rgb", depth=depth, kind="pattern", planar=True, tiled=tiled)
    name = "tiff-gray-16-3pages.tif"
    with tifffile.TiffWriter(os.path.join(d, name)) as tw:
        for page in range(3):
            tw.write(pattern(16, 1, page)[..., 0], photometric="minisblack", compression="zlib")
    record(name, format="tiff", color="gray", depth=16, kind="pattern", pages=3)
    name = "tiff-gray-1bit.tif"
    tifffile.imwrite(os.path.join(d, name), pattern(1, 1)[..., 0].astype(bool), photometric="minisblack")
    record(name, format="tiff", color="gray", depth=1, kind="pattern")
    name = "tiff-gray-8-miniswhite.tif"
    tifffile.imwrite(os.path.join(d, name), (255 - pattern(8, 1)[..., 0]).astype(np.uint8), photometric="miniswhite")
    record(name, format="tiff", color="gray", depth=8, kind="pattern", note="stored inverted (MinIsWhite); decodes to the pattern")
    name = "tiff-palette-8.tif"
    pal = palette_entries(256, False)
    cmap = np.array([[p[k] * 257 for p in pal] for k in range(3)], dtype=np.uint16)
    tifffile.imwrite(os.path.join(d, name), indices(200), photometric="palette", colormap=cmap)
    record(name, format="tiff", color="palette", depth=8, kind="palette", entries=200, tableSize=256, alpha=False)


def make_gif(d):
    for interlace in (False, True):
        name = f"gif-palette{'-interlaced' if interlace else ''}.gif"
        img = Image.fromarray(indices(64), mode="P")
        img.putpalette([v for p in palette_entries(64, False) for v in p[:3]])
        img.save(os.path.join(d, name), interlace=interlace, optimize=False)
        back = Image.open(os.path.join(d, name))
        assert (np.asarray(back) == indices(64)).all(), "Pillow changed GIF indices"
        record(name, format="gif", color="palette", depth=8, kind="palette", entries=64, alpha=False,
               interlaced=interlace)


def gaussian_blur(a, sigma):
    """Separable Gaussian blur (reflect padding), numpy only."""
    r = max(1, int(np.ceil(3 * sigma)))
    k = np.exp(-0.5 * (np.arange(-r, r + 1) / sigma) ** 2)
    k /= k.sum()
    p = np.pad(a, ((r, r), (0, 0)), mode="reflect")
    a = sum(k[i] * p[i:i + a.shape[0]] for i in range(2 * r + 1))
    p = np.pad(a, ((0, 0), (r, r)), mode="reflect")
    return sum(k[i] * p[:, i:i + a.shape[1]] for i in range(2 * r + 1))

def smooth_field(rng, shape, sigma):
    """Zero-mean, unit-std smooth random field (blurred white noise)."""
    f = gaussian_blur(rng.normal(size=shape), sigma)
    return (f - f.mean()) / f.std()

def synthetic_cell(rng, size=256):
    """One synthetic EM-like image and its label, drawn from rng (a numpy Generator).
    Returns (image, label), both uint8 size x size; labels follow ISBI: 255 = cell
    interior, 0 = membrane. Also used by Fixtures/models/train_cells.py for training data.

    Made to be hard for a brightness threshold, as real micrographs are: wavy
    boundaries (a smooth displacement of a weighted Voronoi partition), membranes
    2-4.4 px wide whose darkness varies along them (some nearly as bright as the
    cells they separate), cells of different shades with fine texture and dark
    organelles (mitochondria-like ellipses with a darker rim, labelled interior as
    in ISBI), blur, uneven illumination (a tilted ramp times an off-centre vignette)
    and Gaussian noise."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64)
    # Wavy boundaries: a smooth displacement of the coordinates before the Voronoi partition.
    wy = yy + 5.0 * smooth_field(rng, (size, size), 14)
    wx = xx + 5.0 * smooth_field(rng, (size, size), 14)
    n = int(rng.integers(16, 28))
    seeds = rng.uniform(-10, size + 10, size=(n, 2))
    weight = rng.uniform(0, 12, size=n)   # additively weighted Voronoi: cells of different sizes
    d = np.sqrt((wy[..., None] - seeds[:, 0]) ** 2 + (wx[..., None] - seeds[:, 1]) ** 2) - weight
    order = np.argsort(d, axis=-1)
    d1 = np.take_along_axis(d, order[..., :1], -1)[..., 0]
    dd2 = np.take_along_axis(d, order[..., 1:2], -1)[..., 0]
    owner = order[..., 0]
    width = 2.0 + 1.2 * (1 + np.tanh(smooth_field(rng, (size, size), 20)))   # 2 .. 4.4 px
    membrane = (dd2 - d1) < width
    label = np.where(membrane, 0, 255).astype(np.uint8)
    # Interior: per-cell shade, fine texture, dark organelles (still cell interior, as in ISBI).
    shade = rng.uniform(135, 200, size=n)[owner]
    img = shade + 10.0 * smooth_field(rng, (size, size), 2.0)
    for _ in range(int(rng.integers(10, 22))):
        cy, cx = rng.uniform(0, size, 2)
        a, b = rng.uniform(4, 11), rng.uniform(2.5, 5)
        t = rng.uniform(0, np.pi)
        u = ((yy - cy) * np.cos(t) + (xx - cx) * np.sin(t)) / a
        v = (-(yy - cy) * np.sin(t) + (xx - cx) * np.cos(t)) / b
        r = u * u + v * v
        inside = (r < 1) & ~membrane
        img = np.where(inside, rng.uniform(85, 120) + 25 * r, img)
        ring = (r >= 1) & (r < 1.35) & ~membrane
        img = np.where(ring, img - 35, img)
    # Membranes: contrast varies along them; some are faint.
    darkness = 60 + 30 * (1 + np.tanh(smooth_field(rng, (size, size), 16)))   # 60 .. 120
    img = np.where(membrane, darkness, img)
    img = gaussian_blur(img, rng.uniform(1.0, 1.6))
    # Uneven illumination: a tilted ramp times a vignette.
    gy, gx = rng.uniform(-0.25, 0.25, 2)
    cy, cx = rng.uniform(0, size, 2)
    ramp = 1 + gy * (yy / size - 0.5) * 2 + gx * (xx / size - 0.5) * 2
    vignette = 1 - 0.25 * (((yy - cy) ** 2 + (xx - cx) ** 2) / (size * size))
    img = img * ramp * vignette
    img = img + rng.normal(0, 9.0, size=(size, size))
    return np.clip(np.rint(img), 0, 255).astype(np.uint8), label


def make_cells():
    """20 synthetic 256x256 EM-like images (synthetic_cell, seed 2012).
    Labels follow ISBI: 255 = cell interior, 0 = membrane."""
    rng = np.random.default_rng(2012)
    base = os.path.join(ROOT, "cells")
    shutil.rmtree(base, ignore_errors=True)
    os.makedirs(os.path.join(base, "image"))
    os.makedirs(os.path.join(base, "label"))
    stats = {}
    for k in range(20):
        img, label = synthetic_cell(rng)
        Image.fromarray(img).save(os.path.join(base, "image", f"{k}.png"))
        Image.fromarray(label).save(os.path.join(base, "label", f"{k}.png"))
        stats[f"{k}.png"] = {"0": int((label == 0).sum()), "255": int((label == 255).sum())}
    with open(os.path.join(base, "label-counts.json"), "w") as f:
        json.dump(stats, f, indent=1, sort_keys=True)


def make_awkward():
    """One example of each awkward case the toolkit handles."""
    d = os.path.join(ROOT, "awkward")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    yy, xx = np.mgrid[0:64, 0:96]
    disk = ((xx - 48) ** 2 + (yy - 32) ** 2) < 20 ** 2
    Image.fromarray(disk).save(os.path.join(d, "mask-1bit.png"))  # mode "1": a 1-bit PNG, values 0/1
    Image.fromarray(np.where(disk, 255, 0).astype(np.uint8)).save(os.path.join(d, "mask-8bit.png"))
    classes = np.zeros((64, 96), np.uint8)
    classes[:, 32:64] = 1
    classes[:, 64:] = 2
    classes[disk] = 255  # VOC "ignore"
    voc = Image.fromarray(classes, mode="P")
    pal = [0] * 768
    for i, rgb in {0: (0, 0, 0), 1: (128, 0, 0), 2: (0, 128, 0), 255: (224, 224, 192)}.items():
        pal[3 * i:3 * i + 3] = rgb
    voc.putpalette(pal)
    voc.save(os.path.join(d, "labels-palette.png"))
    rgb = np.zeros((64, 96, 3), np.uint8)
    rgb[classes == 1] = (128, 0, 0)
    rgb[classes == 2] = (0, 128, 0)
    rgb[classes == 255] = (224, 224, 192)
    Image.fromarray(rgb).save(os.path.join(d, "mask-rgb.png"))
    with open(os.path.join(d, "colors.txt"), "w") as f:
        f.write("# colour -> class index, for segprep remap --colors\n0,0,0 -> 0\n128,0,0 -> 1\n0,128,0 -> 2\n224,224,192 -> 255\n")
    with tifffile.TiffWriter(os.path.join(d, "volume-16bit.tif")) as tw:
        for page in range(3):
            tw.write((np.where(disk, 40000 + 1000 * page, 1000 * page)).astype(np.uint16),
                     photometric="minisblack", compression="zlib")
    photo = np.clip(100 + 60 * np.sin(xx / 7.0) * np.cos(yy / 5.0), 0, 255).astype(np.uint8)
    Image.fromarray(np.stack([photo, photo // 2, 255 - photo], -1)).save(os.path.join(d, "image.jpg"), quality=90)
    # A 0/255 mask that went through JPEG: values like 1, 2, 253, 254 appear.
    Image.fromarray(np.where(disk, 255, 0).astype(np.uint8)).save("/tmp/segkit-mask.jpg", quality=75)
    Image.open("/tmp/segkit-mask.jpg").save(os.path.join(d, "mask-via-jpeg.png"))
    os.remove("/tmp/segkit-mask.jpg")
    whole = open(os.path.join(d, "mask-8bit.png"), "rb").read()
    open(os.path.join(d, "truncated.png"), "wb").write(whole[: len(whole) // 2])
    gif = Image.fromarray(disk.astype(np.uint8), mode="P")
    gif.putpalette([0, 0, 0, 255, 255, 255] + [0] * 762)
    gif.save(os.path.join(d, "mask.gif"), optimize=False)


if __name__ == "__main__":
    d = codecs_dir()
    make_png(d)
    make_jpeg(d)
    make_tiff(d)
    make_gif(d)
    with open(os.path.join(d, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    make_cells()
    make_awkward()
    print(f"{len(manifest)} codec fixtures, 20 cell pairs, awkward cases written under {ROOT}")
