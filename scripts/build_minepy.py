"""Build and install minepy 1.2.6 into the running interpreter's environment.

minepy 1.2.6 is the last release and ships only as an sdist whose generated C
wrapper predates Python 3.11 and NumPy 2 (upstream issues #37, #39, #43; PR #41).
This step downloads the official sdist, checks its SHA-256, applies the three
renames NumPy 2 and modern setuptools need, regenerates the wrapper with Cython
and installs the result. It is idempotent: when minepy 1.2.6 already imports,
it does nothing.

Usage: python scripts/build_minepy.py   (Cython and NumPy must be installed)
"""

import hashlib
import importlib.metadata
import json
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

VERSION = "1.2.6"
SDIST = f"minepy-{VERSION}.tar.gz"
SHA256 = "7455c5d2edee63b660593343d2876bf5e0a2e41cfd74a29d9e42fd00022f39f9"
INDEX = "https://pypi.org/simple/minepy/"

# (file inside the sdist, old text, new text): each must match at least once.
RENAMES = [
    ("minepy/mine.pyx", "np.float_t", "np.float64_t"),
    ("minepy/mine.pyx", "np.NPY_OWNDATA", "np.NPY_ARRAY_OWNDATA"),
    ("setup.py", "from pkg_resources import get_platform", "from sysconfig import get_platform"),
]


def installed_version():
    try:
        return importlib.metadata.version("minepy")
    except importlib.metadata.PackageNotFoundError:
        return None


def sdist_url():
    request = urllib.request.Request(INDEX, headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        files = json.load(response)["files"]
    for entry in files:
        if entry["filename"] == SDIST:
            return entry["url"]
    raise SystemExit(f"build_minepy: {SDIST} is not listed at {INDEX}")


def download(workdir):
    target = workdir / SDIST
    with urllib.request.urlopen(sdist_url(), timeout=300) as response:
        target.write_bytes(response.read())
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    if digest != SHA256:
        raise SystemExit(f"build_minepy: {SDIST} has SHA-256 {digest}, expected {SHA256}; refusing to build it")
    return target


def patch(source_dir):
    for relative, old, new in RENAMES:
        path = source_dir / relative
        text = path.read_text()
        if old not in text:
            raise SystemExit(f"build_minepy: '{old}' not found in {relative}; the sdist is not the expected one")
        path.write_text(text.replace(old, new))


def main():
    if installed_version() == VERSION:
        print(f"build_minepy: minepy {VERSION} already installed")
        return
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        with tarfile.open(download(workdir)) as archive:
            archive.extractall(workdir, filter="data")
        source_dir = workdir / f"minepy-{VERSION}"
        patch(source_dir)
        subprocess.run(
            [sys.executable, "-m", "cython", "-3", "minepy/mine.pyx", "-o", "minepy/mine.c"],
            cwd=source_dir, check=True,
        )
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--no-build-isolation", "--no-deps", str(source_dir)],
            check=True,
        )
    print(f"build_minepy: installed minepy {installed_version()}")


if __name__ == "__main__":
    main()
