"""`make bench`: the API's feed against the least Flask app answering the same question, measured side by side.

One run starts everything itself — a throwaway PostgreSQL seeded with realistic volume, the local AWS
emulator with a Cognito pool, the API and the least app each behind nginx (bin/serve) and under gunicorn alone —
then drives both with wrk and prints ratios, which a noisy machine cannot fake the way it fakes
absolute numbers. Server processes run on one core and wrk on the other where there are two.
Results go to bench/RESULTS.md. Never part of CI's pass/fail.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import partial
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
BACKEND = ROOT / "backend-flask"
sys.path[:0] = [str(ROOT), str(BACKEND)]

from cruddur.admin.db import load_volume  # noqa: E402
from cruddur.messages_store import client_for, table_definition  # noqa: E402
from cruddur.migrations import migrate  # noqa: E402
from devstack import cognito as local_cognito  # noqa: E402
from devstack.moto import FAKE_CREDENTIALS, MotoServer  # noqa: E402
from devstack.postgres import throwaway  # noqa: E402
from devstack.serve import Served  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
FEED = "/api/activities/home"
# Each comparison is ROUNDS pairs of short runs, the two sides back to back; the ratio reported is the median
# of the pairs' ratios. On this kind of shared VM one server's CPU cost per request drifts by ±30 % from one
# minute to the next (measured), so pairs close in time compare like with like and the median drops outliers.
ROUNDS = 7
LEAST_SERVED = "GET /api/activities/home: the API against the least app, both behind nginx as production serves them"
LEAST_ALONE = "GET /api/activities/home: the API (behind nginx) against the least app under gunicorn alone"
DESIGN = "Serving design: the API behind nginx (bin/serve) against the API under gunicorn alone"
METRICS = "Metrics: the API behind nginx with its access lines (each an embedded metric document) against without"
# Live updates (docs/frontend.md, "Live updates"): a signed-in tab left open on the home page asks two cheap
# questions once a POLL_SECONDS (the web app's POLL_INTERVAL_MS, src/lib/live.js).
TABS = 500
POLL_SECONDS = 8
LIVE_TITLE = f"Live updates: what {TABS} idle open tabs cost the API (each polling twice every {POLL_SECONDS} s)"


@dataclass
class Load:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int = 0
    cpu_ms: float | None = None  # server-side CPU per request: its workers and its PostgreSQL backends


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def parse_wrk(output: str) -> Load:
    """wrk --latency's summary: Requests/sec, the 50% and 99% latency lines, and error counts."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    total = int(re.search(r"(\d+) requests in", output).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return Load(rps, p50, p99, errors + (int(non2xx.group(1)) if non2xx else 0), total)


def client_cpu_prefix() -> list[str]:
    return ["taskset", "-c", "1"] if (os.cpu_count() or 1) > 1 and shutil.which("taskset") else []


def wrk(url: str, connections: int, seconds: int, headers: dict | None = None) -> Load:
    argv = [*client_cpu_prefix(), "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in (headers or {}).items():
        argv += ["-H", f"{name}: {value}"]
    done = subprocess.run([*argv, url], capture_output=True, text=True, timeout=seconds + 30, check=True)
    return parse_wrk(done.stdout)


class Measured:
    """A server under test: its gunicorn and the PostgreSQL backends its pool opened, told apart by
    application_name, so the CPU each request costs is counted on both sides of the connection."""
    TICK = os.sysconf("SC_CLK_TCK")

    def __init__(self, name: str, server: Served, database_url: str):
        self.name, self.server, self.database_url = name, server, database_url

    @property
    def url(self) -> str:
        return self.server.url

    def _backends(self) -> list[int]:
        with psycopg.connect(self.database_url, autocommit=True) as conn:
            rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s", [self.name])
            return [pid for (pid,) in rows]

    def _cpu_seconds(self, pids) -> float:
        ticks = 0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            ticks += int(fields[11]) + int(fields[12])  # utime + stime
        return ticks / self.TICK

    def cpu_during(self, run):
        """(CPU seconds the server's processes and backends spent while `run()` ran, what it returned)."""
        pids = [*self.server.serving_pids(), *self._backends()]
        before = self._cpu_seconds(pids)
        result = run()
        return self._cpu_seconds(pids) - before, result

    def load(self, connections: int, seconds: int, headers: dict | None = None) -> Load:
        spent, result = self.cpu_during(lambda: wrk(self.url + FEED, connections, seconds, headers))
        if result.requests:
            result.cpu_ms = spent * 1000 / result.requests
        return result


@dataclass
class Tabs:
    """What bench/tabs.py reports of its idle tabs' polls."""
    requests: int
    errors: int
    seconds: float
    p50_ms: float | None
    p99_ms: float | None


class IdleTabs:
    """TABS signed-in home pages left open on `server`, polling as the web app does, on wrk's core."""

    def __init__(self, server: Measured, token: str, after: str):
        self.server, self.token, self.after = server, token, after

    def start(self, seconds: int) -> subprocess.Popen:
        argv = [*client_cpu_prefix(), sys.executable, str(ROOT / "bench" / "tabs.py"), "--url", self.server.url,
                "--token", self.token, "--after", self.after, "--tabs", str(TABS), "--interval", str(POLL_SECONDS),
                "--seconds", str(seconds)]
        return subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)

    @staticmethod
    def result(process: subprocess.Popen) -> Tabs:
        out, _ = process.communicate(timeout=120)
        if process.returncode:
            raise RuntimeError(f"bench/tabs.py exited {process.returncode}")
        return Tabs(**json.loads(out))

    def cpu_per_second(self, seconds: int, polling: bool) -> tuple[float, Tabs | None]:
        """The server's CPU seconds per second over `seconds`, with the tabs polling or with nothing at all."""
        def run():
            if not polling:
                time.sleep(seconds)
                return None
            return self.result(self.start(seconds))
        spent, tabs = self.server.cpu_during(run)
        return spent / seconds, tabs

    def feed_beside(self, connections: int, seconds: int) -> Load:
        """The feed under wrk while the tabs poll."""
        process = self.start(seconds)
        try:
            return self.server.load(connections, seconds)
        finally:
            self.result(process)


@dataclass
class Live:
    idle: list[float]  # CPU s/s of the API with nothing to do
    polled: list[tuple[float, Tabs]]  # with the tabs polling
    feed: Comparison  # the feed alone against the feed beside the tabs

    def cost(self) -> list[float]:
        """Per pair: the CPU seconds per second the tabs added."""
        return [p - i for i, (p, _) in zip(self.idle, self.polled, strict=True)]


def measure_live(tabs: IdleTabs, seconds: int, connections: int = 8) -> Live:
    idle, polled = [], []
    for _ in range(ROUNDS):
        idle.append(tabs.cpu_per_second(seconds, polling=False)[0])
        polled.append(tabs.cpu_per_second(seconds, polling=True))
    feed = paired(partial(tabs.server.load, connections, seconds), partial(tabs.feed_beside, connections, seconds))
    return Live(idle, polled, feed)


@dataclass
class Comparison:
    """Paired runs of two sides. `ratio`: the median over the pairs of the second side's throughput over the
    first's; `cost`: the median of the first's over the second's (how much dearer a second-side request is)."""
    first: list[Load]
    second: list[Load]

    def _ratios(self, invert: bool) -> list[float]:
        pairs = [(b.requests_per_s, a.requests_per_s) for a, b in zip(self.first, self.second, strict=True)
                 if a.requests_per_s and b.requests_per_s]
        return [(a / b) if invert else (b / a) for b, a in pairs]

    @property
    def ratio(self) -> float:
        return statistics.median(self._ratios(False)) if self.first else float("nan")

    @property
    def cost(self) -> float:
        return statistics.median(self._ratios(True)) if self.first else float("nan")

    def spread(self, invert: bool = False) -> str:
        ratios = self._ratios(invert)
        return f"{min(ratios):.2f}–{max(ratios):.2f}" if ratios else "n/a"

    @property
    def cpu_cost(self) -> float | None:
        """Median over the pairs of the second side's CPU per request over the first's."""
        pairs = [b.cpu_ms / a.cpu_ms for a, b in zip(self.first, self.second, strict=True) if a.cpu_ms and b.cpu_ms]
        return statistics.median(pairs) if pairs else None

    @staticmethod
    def typical(runs: list[Load]) -> Load:
        """The run with the median throughput: its latencies and CPU stand for the side."""
        return sorted(runs, key=lambda load: load.requests_per_s)[len(runs) // 2]

    @property
    def errors(self) -> int:
        return sum(load.errors for load in (*self.first, *self.second))


def paired(first, second, rounds: int = ROUNDS) -> Comparison:
    runs = [(first(), second()) for _ in range(rounds)]
    return Comparison([a for a, _ in runs], [b for _, b in runs])


def named(url: str, application_name: str) -> str:
    return psycopg.conninfo.make_conninfo(url, application_name=application_name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=3, help="length of each measured run")
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--activities", type=int, default=40000)
    parser.add_argument("--concurrency", default="1,8,32")
    parser.add_argument("--api-only", action="store_true",
                        help="skip the frontend and image numbers other areas measure")
    parser.add_argument("--live-only", action="store_true",
                        help="measure only what idle open tabs cost; prints it and leaves RESULTS.md alone")
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        print("bench: wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 1
    levels = [int(c) for c in args.concurrency.split(",")]
    if (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {0})  # the servers started below inherit core 0; wrk gets core 1

    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="cruddur-bench-")))
        cluster = stack.enter_context(throwaway("cruddur-bench-pg-"))
        url = cluster.create_database("cruddur_bench")
        migrate(url)
        print(f"seeding {args.users} users and {args.activities} cruds ...", flush=True)
        load_volume(url, args.users, args.activities)
        moto = MotoServer.start()
        stack.callback(moto.stop)
        # the messages table, as bin/ddb/schema-load makes it: the live-update polls read it
        os.environ.update(FAKE_CREDENTIALS)
        ddb = client_for(FAKE_CREDENTIALS["AWS_DEFAULT_REGION"], moto.url)
        ddb.create_table(**table_definition("cruddur-messages"))
        pool = local_cognito.provision(moto.url)
        user = local_cognito.DEMO_USERS[0]
        token = local_cognito.sign_in(moto.url, pool.client_id, user.email, local_cognito.DEMO_PASSWORD)
        env = {**os.environ, **FAKE_CREDENTIALS, "CONNECTION_URL": url, "CRUDDUR_ENV": "development",
               "AWS_ENDPOINT_URL": moto.url, "AWS_COGNITO_USER_POOL_ID": pool.user_pool_id,
               "AWS_COGNITO_USER_POOL_CLIENT_ID": pool.client_id, "AWS_COGNITO_JWKS_URL": pool.jwks_url,
               "FRONTEND_URL": "http://localhost:3000"}
        def measured(name: str, front: bool, chdir: Path = BACKEND, **extra: str) -> Measured:
            server = Served({**env, "CONNECTION_URL": named(url, name), **extra}, work / f"{name}.log",
                            chdir=chdir, front=front)
            return Measured(name, stack.enter_context(server), url)

        # The API as production serves it (bin/serve: nginx in front of gunicorn) and as it was served before
        # (gunicorn alone); the least app (bench/baseline) under each of the two designs.
        api = measured("cruddur-api", front=True)
        api_alone = measured("cruddur-api-alone", front=False)
        least = measured("least-served", front=True, chdir=ROOT / "bench" / "baseline")
        least_alone = measured("least-alone", front=False, chdir=ROOT / "bench" / "baseline")
        # what the access lines, and the metrics in them, cost (docs/api.md, "Metrics")
        api_unlogged = measured("cruddur-api-unlogged", front=True, CRUDDUR_ACCESS_LOG="off")
        servers = (api, api_alone, least, least_alone, api_unlogged)
        auth = {"Authorization": f"Bearer {token['AccessToken']}"}
        for server in servers:
            requests.get(server.url + FEED, timeout=10).raise_for_status()
        requests.get(api.url + FEED, headers=auth, timeout=10).raise_for_status()
        for server in servers:
            wrk(server.url + FEED, 8, 2)  # warm every side up: pools filled, code paths hot

        sections = {}
        if args.live_only:
            print(render_live(live_section(api, moto.url, pool, user, args.seconds)))
            return 0
        for title, first, second in (
                (LEAST_SERVED, least, api), (LEAST_ALONE, least_alone, api), (DESIGN, api_alone, api),
                (METRICS, api_unlogged, api)):
            rows = []
            for c in levels:
                pair = paired(partial(first.load, c, args.seconds), partial(second.load, c, args.seconds))
                rows.append((c, pair))
                print(f"{title}: c={c:<3} {pair.ratio:.2f} (pairs {pair.spread()})", flush=True)
            sections[title] = rows
        # A fresh token: the one above may be near its five-minute end after the runs (docs/api.md)
        token = local_cognito.sign_in(moto.url, pool.client_id, user.email, local_cognito.DEMO_PASSWORD)
        auth = {"Authorization": f"Bearer {token['AccessToken']}"}
        signed_in = paired(lambda: api.load(8, args.seconds), lambda: api.load(8, args.seconds, auth))
        print(f"signed-in cost: {signed_in.cost:.2f}× (pairs {signed_in.spread(invert=True)})", flush=True)
        live = live_section(api, moto.url, pool, user, args.seconds)
        rss = api.server.worker_rss_mb()
        base_rss = least.server.worker_rss_mb()

    report = render(args, sections, signed_in, rss, base_rss) + render_live(live)
    if not args.api_only:
        report += "\n".join(extra_sections()) + "\n"
    RESULTS.write_text(report)
    print(report)
    return 0


def live_section(api: Measured, aws_url: str, pool, user, seconds: int) -> Live:
    token = local_cognito.sign_in(aws_url, pool.client_id, user.email, local_cognito.DEMO_PASSWORD)["AccessToken"]
    top = requests.get(api.url + FEED, params={"limit": 1}, timeout=10).json()["items"][0]["uuid"]
    live = measure_live(IdleTabs(api, token, top), seconds)
    print(f"live: {TABS} idle tabs add {statistics.median(live.cost()):.3f} CPU s/s; feed beside them "
          f"{live.feed.ratio:.2f} (pairs {live.feed.spread()})", flush=True)
    return live


def render_live(live: Live) -> str:
    cost = live.cost()
    polled = Comparison.typical([Load(t.requests / t.seconds, t.p50_ms or 0, t.p99_ms or 0, t.errors, t.requests)
                                 for _, t in live.polled])
    alone, beside = live.feed.typical(live.feed.first), live.feed.typical(live.feed.second)
    per_poll = statistics.median(c * 1000 * t.seconds / t.requests for c, (_, t) in zip(cost, live.polled, strict=True))
    lines = [
        f"## {LIVE_TITLE}", "",
        f"Each tab asks `GET /api/me/unread` and `GET /api/activities/home/new?after=…` (signed in), spread evenly, "
        f"over a few kept-alive connections as the load balancer pools them; {ROUNDS} pairs of the API with "
        "nothing to do against the API answering the tabs, then the feed at 8 clients alone against the feed "
        "beside the tabs (bench/tabs.py shares wrk's core). "
        f"The machine's load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
        "(above the cores' count, other processes shared them).", "",
        "| | value | pairs |", "|---|---:|---:|",
        f"| CPU of the API's processes and backends, idle | {statistics.median(live.idle):.3f} s/s | "
        f"{min(live.idle):.3f}–{max(live.idle):.3f} |",
        f"| CPU with the tabs polling | {statistics.median(p for p, _ in live.polled):.3f} s/s | "
        f"{min(p for p, _ in live.polled):.3f}–{max(p for p, _ in live.polled):.3f} |",
        f"| **what the tabs cost** | **{statistics.median(cost):.3f} s/s** (of one core) | "
        f"{min(cost):.3f}–{max(cost):.3f} |",
        f"| polls answered | {polled.requests_per_s:.0f}/s, p50 {polled.p50_ms:.1f} ms, p99 {polled.p99_ms:.1f} ms, "
        f"{sum(t.errors for _, t in live.polled)} errors | |",
        f"| CPU per poll | {per_poll:.2f} ms | |",
        f"| feed beside the tabs against alone, 8 clients | **{live.feed.ratio:.2f}** "
        f"({beside.requests_per_s:.0f} against {alone.requests_per_s:.0f} req/s) | {live.feed.spread()} |", "",
    ]
    return "\n".join(lines) + "\n"


def cpu(load: Load) -> str:
    return f"{load.cpu_ms:.2f}" if load.cpu_ms is not None else "n/a"


def render(args, sections: dict[str, list[tuple[int, Comparison]]], signed_in: Comparison, rss, base_rss) -> str:
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmark results", "",
        f"Measured {when} by `make bench` on {os.cpu_count()} cores; servers on core 0, wrk on core 1. "
        f"Data: {args.users} users, {args.activities} cruds (+ about a tenth as replies, a fifth expired). "
        f"Every gunicorn uses backend-flask/gunicorn.conf.py ({os.environ.get('GUNICORN_WORKERS', '2')} workers × "
        f"{os.environ.get('GUNICORN_THREADS', '4')} threads); \"behind nginx\" is backend-flask/bin/serve, as the "
        "image runs it. The least app (bench/baseline/app.py) is one query whose JSON PostgreSQL builds, passed "
        "through as the body.", "",
        f"Every comparison is {ROUNDS} pairs of {args.seconds}-second runs, the two sides back to back; a ratio is "
        "the median of the pairs' ratios (second side's throughput over the first's), and the range beside it "
        "shows how far single pairs strayed. Requests per second, latencies and CPU are those of each side's "
        "median run. CPU ms/req is what one request cost the server's processes (gunicorn's workers and "
        "nginx's) plus its own PostgreSQL backends: with servers and database sharing one core, throughput "
        "follows it.", "",
    ]
    for title, rows in sections.items():
        first, second = {DESIGN: ("gunicorn alone", "behind nginx"),
                         METRICS: ("no access lines", "access lines")}.get(title, ("least app", "API"))
        lines += [
            f"## {title}", "",
            f"| clients | {second} req/s | p50 ms | p99 ms | CPU ms/req | {first} req/s | p50 ms | p99 ms "
            "| CPU ms/req | ratio | pairs | errors |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for c, pair in rows:
            b, a = pair.typical(pair.first), pair.typical(pair.second)
            lines.append(f"| {c} | {a.requests_per_s:.0f} | {a.p50_ms:.2f} | {a.p99_ms:.2f} | {cpu(a)} "
                         f"| {b.requests_per_s:.0f} | {b.p50_ms:.2f} | {b.p99_ms:.2f} | {cpu(b)} "
                         f"| **{pair.ratio:.2f}** | {pair.spread()} | {pair.errors} |")
        lines.append("")
    anon, signed = signed_in.typical(signed_in.first), signed_in.typical(signed_in.second)
    cpu_cost = signed_in.cpu_cost
    lines += [
        "## Signed-in against anonymous, same feed, 8 clients (goal: cost ≤ 1.15×)", "",
        "| | req/s | p50 ms | p99 ms | CPU ms/req |", "|---|---:|---:|---:|---:|",
        f"| anonymous | {anon.requests_per_s:.0f} | {anon.p50_ms:.2f} | {anon.p99_ms:.2f} | {cpu(anon)} |",
        f"| signed in (token checked on every request) | {signed.requests_per_s:.0f} | {signed.p50_ms:.2f} "
        f"| {signed.p99_ms:.2f} | {cpu(signed)} |",
        "", f"Cost of a signed-in request: **{signed_in.cost:.2f}×** an anonymous one in throughput "
            f"(pairs {signed_in.spread(invert=True)})"
            + (f", {cpu_cost:.2f}× in CPU per request." if cpu_cost else "."), "",
        "## Memory", "",
        f"Resident memory per API worker after the runs: {', '.join(f'{m:.0f} MB' for m in rss)} "
        f"(least app's workers: {', '.join(f'{m:.0f} MB' for m in base_rss)}).", "",
    ]
    return "\n".join(lines) + "\n"


def extra_sections() -> list[str]:
    """Numbers other areas measure with their own scripts, gathered here when those scripts exist."""
    lines = []
    for title, argv in (("Frontend", ["make", "--no-print-directory", "-C", str(ROOT), "bench-frontend"]),
                        ("Images", ["make", "--no-print-directory", "-C", str(ROOT), "bench-images"])):
        probe = subprocess.run(["make", "-C", str(ROOT), "-n", argv[-1]], capture_output=True)
        if probe.returncode != 0:
            continue
        done = subprocess.run(argv, capture_output=True, text=True)
        body = done.stdout.strip() if done.returncode == 0 else f"failed: {done.stderr.strip()[-300:]}"
        lines += [f"## {title}", "", "```", body, "```", ""]
    return lines


if __name__ == "__main__":
    sys.exit(main())
