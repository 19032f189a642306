#!/usr/bin/env python3
"""Writes the fixture that AreaResizeTest checks the Java INTER_AREA resize against.

Each case is a seeded uint8 source image and what
``cv2.resize(img, (w, h), interpolation=cv2.INTER_AREA)`` makes of it, both as gzipped raw bytes
(row-major, channels last), listed in ``cases.tsv``; cases share sources to keep the fixture
small. Two kinds of image: uniform noise (every rounding path) and flat blocks of a few values,
which is what Atari screens look like and where float accumulation lands near .5 ties and exact
integers.

Run with the OpenCV the pipeline must match (Gymnasium's AtariPreprocessing calls cv2):

    python3 -m venv /tmp/venv-pre
    /tmp/venv-pre/bin/pip install numpy opencv-python-headless==4.14.0.94
    /tmp/venv-pre/bin/python python/tools/gen_area_resize_fixture.py
"""

from __future__ import annotations

import gzip
import pathlib

import cv2
import numpy as np

OUT = (
    pathlib.Path(__file__).resolve().parents[2]
    / "env-server/src/test/resources/io/gymbridge/atari/preprocessing/area-resize"
)

# source name -> ((h, w, channels), kind, seed)
SOURCES = {
    "gray-noise-210x160": ((210, 160, 1), "noise", 1),
    "gray-blocks-210x160": ((210, 160, 1), "blocks", 2),
    "rgb-blocks-210x160": ((210, 160, 3), "blocks", 3),
    "rgb-noise-60x40": ((60, 40, 3), "noise", 4),
    "rgb-noise-42x32": ((42, 32, 3), "noise", 5),
    "gray-noise-7x5": ((7, 5, 1), "noise", 6),
    "gray-noise-50x37": ((50, 37, 1), "noise", 7),
}

# source, (dst h, w)
CASES = [
    ("gray-noise-210x160", (84, 84)),
    ("gray-blocks-210x160", (84, 84)),
    ("rgb-blocks-210x160", (84, 84)),
    ("gray-noise-210x160", (64, 96)),
    ("gray-noise-210x160", (105, 80)),  # 2x2: the integer-scale path, (sum + 2) >> 2
    ("gray-noise-210x160", (70, 40)),  # 3x4: the integer-scale path, sum * (1/12)
    ("gray-blocks-210x160", (210, 80)),  # one axis only
    ("rgb-noise-60x40", (21, 17)),
    ("rgb-noise-42x32", (21, 16)),  # 2x2 rgb
    ("gray-noise-7x5", (3, 2)),
    ("gray-noise-50x37", (50, 37)),  # same size: a copy
]


def image(shape: tuple[int, int, int], kind: str, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    h, w, c = shape
    if kind == "noise":
        img = rng.integers(0, 256, size=(h, w, c), dtype=np.uint8)
    else:
        palette = rng.integers(0, 256, size=(6, c), dtype=np.uint8)
        img = np.empty((h, w, c), dtype=np.uint8)
        for y0 in range(0, h, 7):
            for x0 in range(0, w, 5):
                bh, bw = int(rng.integers(1, 8)), int(rng.integers(1, 6))
                img[y0 : y0 + bh + 6, x0 : x0 + bw + 4] = palette[rng.integers(0, 6)]
    return img[:, :, 0] if c == 1 else img


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.gz"):
        old.unlink()
    images = {}
    for name, (shape, kind, seed) in SOURCES.items():
        images[name] = image(shape, kind, seed)
        (OUT / f"{name}.gz").write_bytes(gzip.compress(images[name].tobytes(), mtime=0))
    lines = [
        "# source\tsrc_h\tsrc_w\tchannels\tdst_h\tdst_w\tresult  (cv2 " + cv2.__version__ + ")"
    ]
    for source, (dh, dw) in CASES:
        src = images[source]
        h, w, c = SOURCES[source][0]
        dst = cv2.resize(src, (dw, dh), interpolation=cv2.INTER_AREA)
        assert dst.shape[:2] == (dh, dw) and dst.dtype == np.uint8
        result = f"{source}-to-{dh}x{dw}.cv2"
        (OUT / f"{result}.gz").write_bytes(gzip.compress(dst.tobytes(), mtime=0))
        lines.append(f"{source}\t{h}\t{w}\t{c}\t{dh}\t{dw}\t{result}")
    (OUT / "cases.tsv").write_text("\n".join(lines) + "\n")
    print(f"wrote {len(CASES)} cases to {OUT}")


if __name__ == "__main__":
    main()
