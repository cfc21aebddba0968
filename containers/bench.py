"""Image numbers: bytes each production image adds over its base, and seconds from start to healthy.

    python -m containers.bench [--runs 3]      (make bench-images)

Sizes are exact. Start-to-healthy is timed from `docker run` to Docker reporting the container healthy
(its HEALTHCHECK runs every 2 s, so 2 s is the floor) and, beside it, to the first answer from the app,
as the median of several starts in this run. The issue's targets are printed next to the numbers; they
are read, not enforced here (the size budget is enforced by the proof, timings never gate CI).
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from containers import images, run, stack, standins
from containers.engine import Engine, wait_until
from devstack import cognito
from devstack.moto import MotoServer
from devstack.net import free_port
from devstack.postgres import Cluster

MB = 1_000_000
# The backend's size budget was 80 MB (73.5 used) until avatars brought Pillow: 21.9 MB installed and compiled,
# 14.4 MB of it the codec libraries its wheel bundles (docs/containers.md, "Numbers").
TARGETS = {"backend-flask": {"added_mb": 100, "healthy_s": 1.5}, "frontend-react-js": {"healthy_s": 3.0}}


def image_size(engine: Engine, ref: str) -> int:
    return int(engine.docker("image", "inspect", "--format", "{{.Size}}", ref).stdout)


def added_bytes(engine: Engine, spec: images.ImageSpec, ref: str) -> tuple[int, int]:
    """(bytes the image adds over the base of its final stage, the base's bytes)."""
    base = standins.base_images(spec.dockerfile_path)[-1]
    return image_size(engine, ref) - image_size(engine, base), image_size(engine, base)


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as r:
            return r.status == 200
    except OSError:
        return False


def verdict(target: str, met: bool) -> str:
    return f"{target}: {'yes' if met else 'NO'}"


def time_start(engine: Engine, image: str, settings: list[str], env: dict, network: list[str],
               probe_url: str) -> tuple[float, float]:
    """(seconds to the first answer from the app, seconds until Docker reports healthy) for one start."""
    container = run.start(engine, image, settings, env, network=network)
    try:
        wait_until(lambda: answers(probe_url), 60, "first answer", step=0.02)
        first_answer = time.monotonic() - container.started_at
        healthy = container.wait_healthy(timeout=60)
        return first_answer, healthy
    finally:
        container.remove()


def main(argv: list[str] = sys.argv[1:]) -> int:
    parser = argparse.ArgumentParser(prog="python -m containers.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="starts per image (median is printed)")
    args = parser.parse_args(argv)
    engine = Engine.ensure(images.STATE)
    scratch = Path(tempfile.mkdtemp(prefix="cruddur-bench-"))
    cluster, aws = Cluster.create(scratch / "postgres"), None
    try:
        tag = images.git_tag()
        refs = images.build_all(engine, tag, log=lambda _: None)
        cluster.start()
        aws = MotoServer.start(log=scratch / "moto.log")
        local = cognito.provision(aws.url, stack.REGION)

        task = run.task_definition("backend-flask")
        container_def = run.container_definition(task, "backend-flask")
        variables = stack.backend_variables(local)
        secrets = stack.backend_secrets(aws.url, cluster.create_database("cruddur"), container_def, variables)
        stack.migrate(engine, refs["backend-flask"], secrets["CONNECTION_URL"])

        def backend_start():
            port = free_port()
            env = stack.backend_environment(container_def, variables, secrets, aws.url, local, port)
            return time_start(engine, refs["backend-flask"], run.run_settings(task, container_def), env,
                              stack.HOST_NETWORK, f"http://127.0.0.1:{port}/api/health-check")

        web_task = run.task_definition("frontend-react-js")
        web_def = run.container_definition(web_task, "frontend-react-js")
        network = f"cruddur-bench-{free_port()}"
        engine.docker("network", "create", network)

        def frontend_start():
            port = free_port()
            return time_start(engine, refs["frontend-react-js"], run.run_settings(web_task, web_def),
                              run.environment(web_def, stack.FRONTEND_RUNTIME),
                              ["--network", network, "-p", f"127.0.0.1:{port}:3000"],
                              f"http://127.0.0.1:{port}/health-check")

        try:
            print(f"{'image':<20}{'base MB':>9}{'added MB':>10}{'added/base':>11}{'first answer s':>16}"
                  f"{'healthy s':>11}   targets")
            for spec, start in ((images.BACKEND, backend_start), (images.FRONTEND, frontend_start)):
                added, base = added_bytes(engine, spec, refs[spec.name])
                timings = [start() for _ in range(args.runs)]
                answer = statistics.median(t[0] for t in timings)
                healthy = statistics.median(t[1] for t in timings)
                target = TARGETS[spec.name]
                verdicts = []
                if "added_mb" in target:
                    verdicts.append(verdict(f"added ≤ {target['added_mb']} MB", added / MB <= target["added_mb"]))
                verdicts.append(verdict(f"healthy ≤ {target['healthy_s']} s", healthy <= target["healthy_s"]))
                print(f"{spec.name:<20}{base / MB:>9.1f}{added / MB:>10.1f}{added / base:>11.2f}{answer:>16.2f}"
                      f"{healthy:>11.2f}   {'; '.join(verdicts)}")
        finally:
            engine.docker("network", "rm", network, check=False)
    finally:
        if aws:
            aws.stop()
        cluster.stop()
        engine.stop()
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
