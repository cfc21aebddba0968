"""The production images: what they are built from and how (used by `make images`, the proof and the bench).

Usage: python -m containers.images [--tag TAG]   builds backend-flask:TAG and frontend-react-js:TAG
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from containers import standins
from containers.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / ".state" / "containers"
PLATFORM = "linux/amd64"  # what ECS Fargate runs (runtimePlatform X86_64 in the task definitions)


@dataclass(frozen=True)
class ImageSpec:
    name: str
    context: Path
    dockerfile: str = "Dockerfile.prod"

    @property
    def dockerfile_path(self) -> Path:
        return self.context / self.dockerfile


BACKEND = ImageSpec("backend-flask", ROOT / "backend-flask")
FRONTEND = ImageSpec("frontend-react-js", ROOT / "frontend-react-js")
PRODUCTION = (BACKEND, FRONTEND)
# Everything else that builds or runs on these bases: the development images, compose's aws-local and db.
OTHER_DOCKERFILES = (ROOT / "backend-flask" / "Dockerfile", ROOT / "frontend-react-js" / "Dockerfile",
                     ROOT / "containers" / "aws-local" / "Dockerfile")
COMPOSE_IMAGES = ("postgres:15-bookworm",)


def all_base_images() -> list[str]:
    dockerfiles = [spec.dockerfile_path for spec in PRODUCTION] + list(OTHER_DOCKERFILES)
    return [image for path in dockerfiles for image in standins.base_images(path)] + list(COMPOSE_IMAGES)


def git_tag() -> str:
    """The tag the deploy tooling uses: the commit's 12-character short sha."""
    return subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout.strip()


def build(engine: Engine, spec: ImageSpec, tag: str, log=print) -> str:
    """Build `spec` as name:tag, standing in for its base images first if they cannot be had."""
    standins.ensure(engine, standins.base_images(spec.dockerfile_path), STATE, log=log)
    ref = f"{spec.name}:{tag}"
    log(f"images: building {ref}")
    # Host network for the build: the daemon runs without its default bridge (see engine.py).
    engine.docker("build", "--network", "host", "--platform", PLATFORM, "-f", str(spec.dockerfile_path),
                  "-t", ref, str(spec.context), timeout=1200)
    return ref


def build_all(engine: Engine, tag: str, log=print) -> dict[str, str]:
    """Both production images, built side by side (one is mostly npm, the other mostly pip)."""
    bases = [image for spec in PRODUCTION for image in standins.base_images(spec.dockerfile_path)]
    standins.ensure(engine, bases, STATE, log=log)
    with ThreadPoolExecutor(max_workers=len(PRODUCTION)) as pool:
        refs = {spec.name: pool.submit(build, engine, spec, tag, log) for spec in PRODUCTION}
        return {name: ref.result() for name, ref in refs.items()}


@contextmanager
def engine_session(label: str):
    """The engine for one command: the running one, or one of our own, stopped again afterwards."""
    engine = Engine.ensure(STATE)
    try:
        yield engine
    finally:
        if engine.owned:
            print(f"{label}: stopping the engine we started; images stay in {STATE / 'data'}")
        engine.stop()


def main(argv: list[str] = sys.argv[1:]) -> int:
    parser = argparse.ArgumentParser(prog="python -m containers.images", description=__doc__.splitlines()[0])
    parser.add_argument("--tag", help="image tag (default: the commit's 12-character sha)")
    args = parser.parse_args(argv)
    with engine_session("images") as engine:
        standins.ensure(engine, all_base_images(), STATE)
        build_all(engine, args.tag or git_tag())
    return 0


if __name__ == "__main__":
    sys.exit(main())
