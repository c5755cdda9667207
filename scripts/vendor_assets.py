"""Vendor pinned front-end assets from the npm registry.

The app's assets go to notesweb/static/vendor/; axe-core, which only the browser
tests use, goes to tests/browser/vendor/.

    python scripts/vendor_assets.py          # fetch with `npm pack`, verify, copy
    python scripts/vendor_assets.py --check  # verify the committed files, offline

Each package is pinned by version and by the registry's sha512 integrity of its
tarball; each copied file is pinned by its sha256, so `--check` (run by the tests)
notices a hand-edited or half-updated vendor folder.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATIC_VENDOR = ROOT / "notesweb" / "static" / "vendor"
TEST_VENDOR = ROOT / "tests" / "browser" / "vendor"


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    integrity: str  # sha512 of the tarball, as the npm registry reports it
    files: dict[str, tuple[str, str]]  # path in tarball -> (vendored name, sha256)
    dest: Path = STATIC_VENDOR


PACKAGES = (
    Package(
        name="htmx.org",
        version="2.0.11",
        integrity="sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA==",
        files={
            "package/dist/htmx.min.js": (
                "htmx-2.0.11.min.js",
                "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717",
            ),
        },
    ),
    Package(
        name="@picocss/pico",
        version="2.1.1",
        integrity="sha512-kIDugA7Ps4U+2BHxiNHmvgPIQDWPDU4IeU6TNRdvXQM1uZX+FibqDQT2xUOnnO2yq/LUHcwnGlu1hvf4KfXnMg==",
        files={
            "package/css/pico.min.css": (
                "pico-2.1.1.min.css",
                "fbc9a63fc9fc9f72d12fd7fc9806e11fa9f77ae4f9cad146b27003a1119ba3db",
            ),
        },
    ),
    Package(
        name="swagger-ui-dist",
        version="5.35.0",
        integrity="sha512-U06rpMtW9V3XPGOBeamTUSr0Z09jMX4IJuANpE/EZbAhw0G8CgwrzU4YmXkn/h0wCDNsXdGarTNNHC3sU8yVUQ==",
        files={
            "package/swagger-ui-bundle.js": (
                "swagger-ui-bundle-5.35.0.js",
                "e6a898692f2d768e807c3ba4626068a69a2c5dd960dd6c76f3e4d3a3de180af2",
            ),
            "package/swagger-ui.css": (
                "swagger-ui-5.35.0.css",
                "5ed08757e53da3e026d6cbecc61fe5d43585c9560b302d534ad56692519a273d",
            ),
        },
    ),
    Package(
        name="axe-core",
        version="4.14.1",
        integrity="sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==",
        files={
            "package/axe.min.js": (
                "axe-4.14.1.min.js",
                "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c",
            )
        },
        dest=TEST_VENDOR,
    ),
)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def npm_integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def fetch(package: Package, workdir: Path) -> Path:
    spec = f"{package.name}@{package.version}"
    out = subprocess.run(
        ["npm", "pack", spec, "--silent"],
        cwd=workdir,
        check=True,
        capture_output=True,
        text=True,
    )
    tarball = workdir / out.stdout.strip().splitlines()[-1]
    actual = npm_integrity(tarball.read_bytes())
    if actual != package.integrity:
        sys.exit(f"{spec}: tarball integrity {actual} != pinned {package.integrity}")
    return tarball


def vendor() -> list[str]:
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        for package in PACKAGES:
            package.dest.mkdir(parents=True, exist_ok=True)
            tarball = fetch(package, Path(tmp))
            with tarfile.open(tarball) as archive:
                for member, (target, digest) in package.files.items():
                    data = archive.extractfile(member).read()
                    if digest and sha256(data) != digest:
                        problems.append(f"{member} of {package.name}: sha256 {sha256(data)}")
                        continue
                    (package.dest / target).write_bytes(data)
                    print(f"{target}  sha256={sha256(data)}")
    return problems


def check() -> list[str]:
    problems = []
    expected = {p.dest / target: digest for p in PACKAGES for target, digest in p.files.values()}
    for path, digest in expected.items():
        if not path.exists():
            problems.append(f"missing {path}")
        elif sha256(path.read_bytes()) != digest:
            problems.append(f"{path}: sha256 differs from the pinned {digest}")
    for folder in {p.dest for p in PACKAGES}:
        strays = set(folder.iterdir()) - set(expected) if folder.exists() else set()
        problems += [f"unpinned file: {path}" for path in sorted(strays)]
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify, do not fetch")
    args = parser.parse_args()
    problems = check() if args.check else vendor()
    for problem in problems:
        print(problem, file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
