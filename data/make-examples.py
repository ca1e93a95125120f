#!/usr/bin/env python3
"""Writes the small example files in data/examples/ (deterministic; run from anywhere).

moons.csv / moons-test.csv    two interleaved half-moons, classes "upper" and "lower", with an id
                              column and a header: a CSV classification example (conf/moons-csv.conf)
blobs.libsvm / blobs-test.libsvm  three Gaussian blobs in 6 features, labels 1..3, zeros left out:
                              a LibSVM example (conf/blobs-libsvm.conf)
"""
import math
import os
import random

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "examples")
os.makedirs(here, exist_ok=True)
rng = random.Random(20240611)


def moons(n, first_id):
    rows = []
    for i in range(n):
        upper = i % 2 == 0
        t = rng.uniform(0, math.pi)
        x, y = (math.cos(t), math.sin(t)) if upper else (1 - math.cos(t), 0.5 - math.sin(t))
        x += rng.gauss(0, 0.2)
        y += rng.gauss(0, 0.2)
        rows.append(f"m{first_id + i},{x:.4f},{y:.4f},{'upper' if upper else 'lower'}")
    return rows


for name, n, first in (("moons.csv", 800, 0), ("moons-test.csv", 200, 800)):
    with open(os.path.join(here, name), "w") as f:
        f.write("id,x1,x2,label\n")
        f.write("\n".join(moons(n, first)) + "\n")

centres = {1: [2, 0, 0, 1, 0, 0], 2: [0, 2, 0, 0, 1, 0], 3: [0, 0, 2, 0, 0, 1]}


def blobs(n):
    lines = []
    for i in range(n):
        label = i % 3 + 1
        values = [c + rng.gauss(0, 0.6) for c in centres[label]]
        # Small values become 0 and are left out: the file is sparse, as LibSVM files usually are.
        pairs = [f"{j + 1}:{v:.3f}" for j, v in enumerate(values) if abs(v) >= 0.3]
        lines.append(" ".join([str(label)] + pairs))
    return lines


for name, n in (("blobs.libsvm", 600), ("blobs-test.libsvm", 150)):
    with open(os.path.join(here, name), "w") as f:
        f.write("\n".join(blobs(n)) + "\n")
