"""A corpus of real, well-maintained code from the package registries this machine reaches.

Python sdists from PyPI (`pip download --no-binary :all:`) and Go sources from Debian's
`golang-*-dev` packages (`apt-get download` + `dpkg -x`), unpacked under bench/.corpus/.
Downloads happen once; later runs reuse the files.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

CORPUS = Path(__file__).parent / ".corpus"
PYTHON_SDISTS = {
    "django": "5.1.4", "flask": "3.1.0", "fastapi": "0.115.6", "requests": "2.32.3",
    "httpx": "0.28.1", "aiohttp": "3.11.11", "celery": "5.4.0",
}
GO_PACKAGES = (
    "golang-github-gin-gonic-gin-dev",
    "golang-github-gorilla-websocket-dev",
    "golang-github-prometheus-client-golang-dev",
)


def _log(msg: str) -> None:
    print(f"[corpus] {msg}", file=sys.stderr, flush=True)


def python_sdist(name: str, version: str) -> Path | None:
    target = CORPUS / "python" / f"{name}-{version}"
    if target.is_dir():
        return target
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
               "--disable-pip-version-check", "-d", tmp, f"{name}=={version}"]
        if subprocess.run(cmd, capture_output=True, check=False).returncode != 0:
            _log(f"could not download {name}=={version}; skipping")
            return None
        archive = next(Path(tmp).iterdir())
        unpack = Path(tmp) / "x"
        if archive.suffix == ".zip":
            zipfile.ZipFile(archive).extractall(unpack)
        else:
            with tarfile.open(archive) as tf:
                tf.extractall(unpack, filter="data")
        inner = next(unpack.iterdir())
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(inner), target)
    return target


def go_package(name: str) -> Path | None:
    target = CORPUS / "go" / name
    if target.is_dir():
        return target
    if shutil.which("apt-get") is None or shutil.which("dpkg") is None:
        _log("apt-get/dpkg not available; skipping Go sources")
        return None
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run(["apt-get", "download", "-q", name], cwd=tmp, capture_output=True, check=False)
        debs = list(Path(tmp).glob("*.deb"))
        if proc.returncode != 0 or not debs:
            _log(f"could not download {name} (run `apt-get update` first?); skipping")
            return None
        unpack = Path(tmp) / "x"
        subprocess.run(["dpkg", "-x", str(debs[0]), str(unpack)], check=True)
        src = unpack / "usr" / "share" / "gocode" / "src"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(src if src.is_dir() else unpack), target)
    return target


def build() -> list[Path]:
    """Download (once) and return the corpus directories."""
    roots = [python_sdist(n, v) for n, v in PYTHON_SDISTS.items()]
    roots += [go_package(n) for n in GO_PACKAGES]
    return [r for r in roots if r is not None]


def count_lines(root: Path, suffixes: tuple[str, ...] = (".py", ".go", ".yaml", ".yml", ".js")) -> int:
    total = 0
    for p in root.rglob("*"):
        if p.is_file() and p.suffix in suffixes:
            try:
                total += p.read_bytes().count(b"\n")
            except OSError:
                pass
    return total


if __name__ == "__main__":
    for r in build():
        print(r, count_lines(r))
