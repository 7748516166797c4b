#!/usr/bin/env python3
"""Writes the Fashion-MNIST subset shipped with the sample: the first 10 000 training and 2 000 test examples of the
full set, as gzip-compressed IDX files under the standard names, into this folder.

    python3 samples/FashionMnist/data/make_subset.py [SOURCE_DIR]

SOURCE_DIR defaults to /usr/share/datasets/fashion-mnist (`apt-get install dataset-fashion-mnist`). The output is
deterministic (gzip mtime 0), so rerunning it reproduces the committed files byte for byte.
"""
import gzip
import os
import struct
import sys

SPLITS = [("train", 10_000), ("t10k", 2_000)]
IMAGE_MAGIC, LABEL_MAGIC = 0x803, 0x801


def read(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        return f.read()


def find(folder, name):
    for candidate in (name, name + ".gz"):
        path = os.path.join(folder, candidate)
        if os.path.exists(path):
            return path
    sys.exit(f"make_subset: found neither {name} nor {name}.gz in {folder}")


def write(path, data):
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as f:
        f.write(data)


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
    target = os.path.dirname(os.path.abspath(__file__))
    for split, count in SPLITS:
        images = read(find(source, f"{split}-images-idx3-ubyte"))
        magic, n, rows, cols = struct.unpack(">IIII", images[:16])
        assert magic == IMAGE_MAGIC and n >= count, (magic, n)
        write(os.path.join(target, f"{split}-images-idx3-ubyte.gz"),
              struct.pack(">IIII", magic, count, rows, cols) + images[16:16 + count * rows * cols])

        labels = read(find(source, f"{split}-labels-idx1-ubyte"))
        magic, n = struct.unpack(">II", labels[:8])
        assert magic == LABEL_MAGIC and n >= count, (magic, n)
        write(os.path.join(target, f"{split}-labels-idx1-ubyte.gz"), struct.pack(">II", magic, count) + labels[8:8 + count])
        print(f"{split}: {count} of {n} examples ({rows}x{cols})")


if __name__ == "__main__":
    main()
