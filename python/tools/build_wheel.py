"""Builds Sparkprop's wheel with the standard library only (no build backend to download).

Usage: ``python build_wheel.py SOURCE_DIR JAR VERSION OUT_DIR``. The wheel holds the packages of
SOURCE_DIR (``sparkprop`` and the ``org.sparkprop.spark.ml`` alias), ``sparkprop/_version.py`` set
to VERSION, and JAR as ``sparkprop/jars/``; its metadata comes from SOURCE_DIR/pyproject.toml.
Entries are sorted and dated 1980-01-01, so the same inputs give the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import os
import sys
import tomllib
import zipfile
from typing import List, Tuple

EPOCH = (1980, 1, 1, 0, 0, 0)


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "sha256=" + digest


def _sources(source_dir: str) -> List[Tuple[str, bytes]]:
    files: List[Tuple[str, bytes]] = []
    for top in ("sparkprop", "org"):
        for root, dirs, names in os.walk(os.path.join(source_dir, top)):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__" and d != "jars")
            for name in sorted(names):
                if name.endswith((".py", ".typed")):
                    path = os.path.join(root, name)
                    with open(path, "rb") as f:
                        files.append((os.path.relpath(path, source_dir).replace(os.sep, "/"), f.read()))
    return files


def build(source_dir: str, jar: str, version: str, out_dir: str) -> str:
    with open(os.path.join(source_dir, "pyproject.toml"), "rb") as f:
        project = tomllib.load(f)["project"]
    name = project["name"]
    files = [(p, d) for p, d in _sources(source_dir) if p != "sparkprop/_version.py"]
    files.append(("sparkprop/_version.py", ('__version__ = "%s"\n' % version).encode()))
    with open(jar, "rb") as f:
        files.append(("sparkprop/jars/" + os.path.basename(jar), f.read()))
    dist_info = "%s-%s.dist-info" % (name, version)
    metadata = ["Metadata-Version: 2.1", "Name: " + name, "Version: " + version,
                "Summary: " + project["description"], "License: " + project["license"]["text"],
                "Requires-Python: " + project["requires-python"]]
    metadata += ["Classifier: " + c for c in project.get("classifiers", [])]
    metadata += ["Requires-Dist: " + d for d in project["dependencies"]]
    for extra, deps in project.get("optional-dependencies", {}).items():
        metadata.append("Provides-Extra: " + extra)
        metadata += ['Requires-Dist: %s ; extra == "%s"' % (d, extra) for d in deps]
    files.append((dist_info + "/METADATA", ("\n".join(metadata) + "\n").encode()))
    files.append((dist_info + "/WHEEL", b"Wheel-Version: 1.0\nGenerator: sparkprop build_wheel.py\n"
                  b"Root-Is-Purelib: true\nTag: py3-none-any\n"))
    files.append((dist_info + "/top_level.txt", b"org\nsparkprop\n"))
    record = "".join("%s,%s,%d\n" % (p, _record_hash(d), len(d)) for p, d in files)
    record += dist_info + "/RECORD,,\n"
    files.append((dist_info + "/RECORD", record.encode()))
    os.makedirs(out_dir, exist_ok=True)
    wheel = os.path.join(out_dir, "%s-%s-py3-none-any.whl" % (name, version))
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as z:
        for path, data in files:
            info = zipfile.ZipInfo(path, EPOCH)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return wheel


if __name__ == "__main__":
    if len(sys.argv) != 5:
        print("usage: build_wheel.py SOURCE_DIR JAR VERSION OUT_DIR", file=sys.stderr)
        sys.exit(2)
    print(build(*sys.argv[1:]))
