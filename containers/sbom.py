"""`make sbom`: build both production images the way `make images` does, then write their SBOMs.

Usage: python -m containers.sbom [--tag TAG]   writes .state/sbom/<image>-<TAG>.cdx.json for both images

Works on a fresh machine: the engine and the base-image stand-ins come from containers/ (engine.py,
standins.py). The SBOMs are written by the deploy tooling's own command (`python -m cruddur_ops sbom`),
the same code `build` runs after every build and `push` finds the file through.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys

from containers import images
from containers.engine import Engine

OPS = images.ROOT / "ops"


def write_sbom(engine: Engine, service: str, tag: str) -> str:
    """The SBOM of the local image service:tag, through `python -m cruddur_ops sbom`; returns its path."""
    env = {**engine.env, "PYTHONPATH": str(OPS),
           "PATH": f"{images.ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    r = subprocess.run([sys.executable, "-m", "cruddur_ops", "sbom", service, "--image-tag", tag], cwd=OPS, env=env,
                       capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise RuntimeError(f"sbom {service}:{tag} failed ({r.returncode}):\n{r.stdout}{r.stderr}")
    return r.stdout.strip()


def main(argv: list[str] = sys.argv[1:]) -> int:
    parser = argparse.ArgumentParser(prog="python -m containers.sbom", description=__doc__.splitlines()[0])
    parser.add_argument("--tag", help="image tag (default: the commit's 12-character sha)")
    args = parser.parse_args(argv)
    tag = args.tag or images.git_tag()
    with images.engine_session("sbom") as engine:
        images.build_all(engine, tag)
        for spec in images.PRODUCTION:
            print(f"sbom: {spec.name}:{tag} -> {write_sbom(engine, spec.name, tag)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
