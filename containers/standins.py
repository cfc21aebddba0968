"""Offline stand-ins for the base images the Dockerfiles name, for machines that cannot reach Docker Hub.

The Dockerfiles stay exactly what users build with the real images. When a base image is neither present
nor pullable, we build a stand-in from Debian bookworm packages (a debootstrap rootfs, cached under the
state folder) and tag it with the very name the Dockerfile uses. A stand-in offers what our Dockerfiles
rely on from the real image: `python` with venv for python:*, `node`/`npm` (the host's Node 20) for node:*,
nginx with /etc/nginx/mime.types for nginx:*, plus the host's CA certificates so builds reach the package
registries through this network.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from containers.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
RECIPES = Path(__file__).resolve().parent / "standins"
DEBIAN_IMAGE = "cruddur-standin/debian:bookworm"
HOST_CA_DIR = Path("/usr/local/share/ca-certificates")
FAMILIES = ("python", "node", "nginx", "postgres")


def base_images(dockerfile: Path) -> list[str]:
    """Images named in FROM lines, leaving out references to earlier stages."""
    images, stages = [], set()
    for line in dockerfile.read_text().splitlines():
        m = re.match(r"\s*FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?", line, re.IGNORECASE)
        if not m:
            continue
        if m.group(1).lower() not in stages and m.group(1) not in images:
            images.append(m.group(1))
        if m.group(2):
            stages.add(m.group(2).lower())
    return images


def family(image: str) -> str:
    name = image.split(":", 1)[0].rsplit("/", 1)[-1]
    if name not in FAMILIES:
        raise ValueError(f"no offline stand-in recipe for {image!r} (known: {', '.join(FAMILIES)})")
    return name


def debian_rootfs(state_dir: Path) -> Path:
    """A minbase bookworm rootfs as a tar, built once with debootstrap and kept in the state folder."""
    tarball = state_dir / "bookworm-minbase.tar"
    if tarball.exists():
        return tarball
    state_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=state_dir) as tmp:
        rootfs = Path(tmp) / "rootfs"
        subprocess.run(["debootstrap", "--variant=minbase", "bookworm", str(rootfs), "http://deb.debian.org/debian"],
                       check=True, capture_output=True, timeout=900)
        # Package caches and lists: the stand-in recipes run apt-get update themselves.
        for cache in ("var/cache/apt/archives", "var/lib/apt/lists"):
            shutil.rmtree(rootfs / cache, ignore_errors=True)
        for cache in ("var/cache/apt/archives/partial", "var/lib/apt/lists/partial"):
            (rootfs / cache).mkdir(parents=True)
        subprocess.run(["tar", "-C", str(rootfs), "-cf", f"{tarball}.new", "."], check=True)
    Path(f"{tarball}.new").rename(tarball)
    return tarball


def _present(engine: Engine, image: str) -> bool:
    return engine.docker("image", "inspect", image, check=False).returncode == 0


def _pullable(engine: Engine, image: str) -> bool:
    try:
        return engine.docker("pull", "-q", image, check=False, timeout=60).returncode == 0
    except subprocess.TimeoutExpired:
        return False


def _build_context(fam: str, into: Path) -> None:
    shutil.copy(RECIPES / f"{fam}.Dockerfile", into / "Dockerfile")
    certs = into / "ca-certificates"
    certs.mkdir()
    for crt in HOST_CA_DIR.glob("*.crt"):
        shutil.copy(crt, certs / crt.name)
    if fam == "node":
        node = shutil.which("node")
        if not node:
            raise FileNotFoundError("the node stand-in copies the host's Node 20, but no node is installed")
        shutil.copy(node, into / "node")
        npm = Path(node).resolve().parent.parent / "lib/node_modules/npm"
        shutil.copytree(npm, into / "npm", symlinks=True)
    if fam == "postgres":
        shutil.copy(RECIPES / "postgres-entrypoint", into / "postgres-entrypoint")


def _build(engine: Engine, image: str) -> None:
    with tempfile.TemporaryDirectory() as ctx:
        _build_context(family(image), Path(ctx))
        engine.docker("build", "--network", "host", "-t", image, ctx, timeout=900)


def ensure(engine: Engine, images: list[str], state_dir: Path, log=print) -> list[str]:
    """Make every image in `images` available; returns the ones that had to be stood in for.

    Missing ones are built side by side: each is mostly waiting on package downloads."""
    missing = [image for image in dict.fromkeys(images)
               if not _present(engine, image) and not _pullable(engine, image)]
    if not missing:
        return []
    for image in missing:
        family(image)  # an image without a recipe fails before anything is built
    if not _present(engine, DEBIAN_IMAGE):
        log(f"stand-ins: importing a debootstrap bookworm rootfs as {DEBIAN_IMAGE}")
        engine.docker("import", str(debian_rootfs(state_dir)), DEBIAN_IMAGE, timeout=600)
    log(f"stand-ins: building {', '.join(missing)} offline from Debian packages")
    with ThreadPoolExecutor(max_workers=len(missing)) as pool:
        for done in [pool.submit(_build, engine, image) for image in missing]:
            done.result()
    return missing
