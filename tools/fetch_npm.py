"""Install the test suite's npm packages (axe-core) from package-lock.json without Node.js.

The packages are only files the browser tests inject (axe.min.js), so npm itself is not needed:
each tarball is fetched from the npm registry (NPM_REGISTRY, default registry.npmjs.org), its
sha512 checked against the lock file's `integrity`, and its `package/` folder unpacked into
node_modules/<name>/. Standard library only; run by `make` before the tests.
"""

import base64
import hashlib
import io
import json
import os
import shutil
import sys
import tarfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = os.environ.get("NPM_REGISTRY", "https://registry.npmjs.org").rstrip("/")


def fetch(name: str, version: str, integrity: str) -> None:
    algorithm, _, expected = integrity.partition("-")
    if algorithm != "sha512":
        sys.exit(f"{name}: unsupported integrity {algorithm!r} in package-lock.json")
    url = f"{REGISTRY}/{name}/-/{name.rsplit('/', 1)[-1]}-{version}.tgz"
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - fixed https URL
        data = response.read()
    digest = base64.b64encode(hashlib.sha512(data).digest()).decode()
    if digest != expected:
        sys.exit(f"{name}@{version}: checksum does not match package-lock.json; not installed")
    target = ROOT / "node_modules" / name
    shutil.rmtree(target, ignore_errors=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for member in archive.getmembers():
            if not (member.isfile() or member.isdir()) or not member.name.startswith("package/"):
                continue
            relative = Path(member.name).relative_to("package")
            if ".." in relative.parts or relative.is_absolute():
                sys.exit(f"{name}: unsafe path in the archive: {member.name}")
            destination = target / relative
            if member.isdir():
                destination.mkdir(parents=True, exist_ok=True)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(archive.extractfile(member).read())
    print(f"installed {name}@{version}")


def main() -> None:
    lock = json.loads((ROOT / "package-lock.json").read_text())
    for path, package in lock["packages"].items():
        if path.startswith("node_modules/"):
            fetch(path.removeprefix("node_modules/"), package["version"], package["integrity"])


if __name__ == "__main__":
    main()
