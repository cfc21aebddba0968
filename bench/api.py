"""`make bench`: the API's read paths against the least Flask app answering the same questions, side by side.

One run starts everything itself — a throwaway PostgreSQL seeded with realistic volume, the local AWS
emulator with a Cognito pool and the messages table, the API and the least app each behind nginx (bin/serve) and
under gunicorn alone — then drives both with wrk and prints ratios, which a noisy machine cannot fake the way it
fakes absolute numbers: the feed anonymous and signed in, each other read path, and beside them start to first
200 and idle memory per worker. Server processes run on one core and wrk on the other where there are two.
Results go to bench/RESULTS.md. Never part of CI's pass/fail.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import partial
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
BACKEND = ROOT / "backend-flask"
sys.path[:0] = [str(ROOT), str(BACKEND)]

from cruddur.admin.db import load_volume  # noqa: E402
from cruddur.messages_store import MessagesStore, client_for, conversation_uuid, table_definition  # noqa: E402
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
LEAST_SIGNED_IN = ("GET /api/activities/home signed in: the API with the bench user's token against the least app, "
                   "both behind nginx")
LEAST_ALONE = "GET /api/activities/home: the API (behind nginx) against the least app under gunicorn alone"
FIRST_WRITTEN = ("GET /api/activities/home: the API against the least feed as the speed issue first described it (the "
                 "newest 20 cruds: no reposts, avatar_url, liked or reposted), both behind nginx")
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
    cpu_ms: float | None = None  # server-side CPU per request: its workers, its nginx and its PostgreSQL backends
    cpu_parts: tuple[float, float, float] | None = None  # cpu_ms as (gunicorn's workers, nginx, PostgreSQL)


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
        spent, result = self.cpu_parts_during(run)
        return sum(spent), result

    def cpu_parts_during(self, run):
        """(CPU seconds of gunicorn's workers, of nginx and of the PostgreSQL backends while `run()` ran, its result):
        where a difference between two servers comes from."""
        workers = self.server.worker_pids()
        groups = (workers, [pid for pid in self.server.serving_pids() if pid not in workers], self._backends())
        before = [self._cpu_seconds(pids) for pids in groups]
        result = run()
        return [self._cpu_seconds(pids) - spent for pids, spent in zip(groups, before, strict=True)], result

    def load(self, connections: int, seconds: int, headers: dict | None = None, path: str = FEED) -> Load:
        spent, result = self.cpu_parts_during(lambda: wrk(self.url + path, connections, seconds, headers))
        if result.requests:
            parts = tuple(cpu_s * 1000 / result.requests for cpu_s in spent)
            result.cpu_ms, result.cpu_parts = sum(parts), parts
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


# What the other read paths need beyond the volume seed (volume.sql has one reply per answered crud, no news for
# the signed-in bench user and no messages), written as volume.sql writes: straight into the tables, counted
# and notified as the API does (its triggers notify replies and mentions; likes are notified by hand there too).
READ_PATHS_SEED = (
    # a crud with a conversation under it: one reply from each of 30 people, a minute apart
    """UPDATE activities SET replies_count = replies_count + 30
       WHERE uuid = (SELECT uuid FROM activities WHERE reply_to_activity_uuid IS NULL AND expires_at > now() + '1 day'
                     ORDER BY created_at DESC, uuid DESC LIMIT 1 OFFSET 100)
       RETURNING uuid, created_at, expires_at""",
    """INSERT INTO activities (user_uuid, message, reply_to_activity_uuid, expires_at, created_at)
       SELECT u.uuid, 'Reply ' || n || ' to the bench conversation', %(parent)s, %(parent_expires)s,
              least(now(), %(parent_at)s + n * interval '1 minute')
       FROM generate_series(1, 30) n JOIN users u ON u.handle = 'bench' || (100 + n)""",
    # the bench user's news: 40 cruds naming them, 10 cruds of their own each answered twice and liked thrice
    """INSERT INTO activities (user_uuid, message, expires_at, created_at)
       SELECT u.uuid, 'Crud ' || n || ' for @' || %(handle)s || ' about fargate', now() + interval '30 days',
              now() - n * interval '37 minutes'
       FROM generate_series(1, 40) n JOIN users u ON u.handle = 'bench' || (200 + n)""",
    """INSERT INTO activities (user_uuid, message, expires_at, created_at)
       SELECT %(me)s::uuid, 'Bench crud ' || n || ' about postgres', now() + interval '30 days',
              now() - n * interval '41 minutes'
       FROM generate_series(1, 10) n""",
    """INSERT INTO activities (user_uuid, message, reply_to_activity_uuid, expires_at, created_at)
       SELECT u.uuid, 'An answer', a.uuid, a.expires_at, a.created_at + k * interval '3 minutes'
       FROM activities a, generate_series(1, 2) k JOIN users u ON u.handle = 'bench' || (300 + k)
       WHERE a.user_uuid = %(me)s::uuid""",
    """WITH liked AS (
         INSERT INTO reactions (user_uuid, activity_uuid, kind, created_at, expires_at)
         SELECT u.uuid, a.uuid, 'like', a.created_at + k * interval '5 minutes', a.expires_at
         FROM activities a, generate_series(1, 3) k JOIN users u ON u.handle = 'bench' || (400 + k)
         WHERE a.user_uuid = %(me)s::uuid AND a.reply_to_activity_uuid IS NULL
         RETURNING uuid, user_uuid, activity_uuid, kind, created_at)
       INSERT INTO notifications (user_uuid, activity_uuid, reason, created_at, actor_uuid, uuid)
       SELECT %(me)s::uuid, activity_uuid, kind, created_at, user_uuid, uuid FROM liked""",
    """UPDATE activities p
       SET replies_count = (SELECT count(*) FROM activities r WHERE r.reply_to_activity_uuid = p.uuid),
           likes_count = (SELECT count(*) FROM reactions r WHERE r.activity_uuid = p.uuid)
       WHERE p.user_uuid = %(me)s::uuid AND p.reply_to_activity_uuid IS NULL""",
    "ANALYZE",
)
# The bench user's conversations, written through the API's own store: one with a person each, newest last.
CONVERSATIONS = 25
LONG_CONVERSATION = 40  # messages in the first, so that it fills a page; the others hold two
# A search term as people type one: a word in about one crud in fifty (volume.sql names @bench1–50 in turn).
SEARCH_TERM = "bench7"
PROFILE_HANDLE = "bench7"


@dataclass
class ReadPath:
    """One of the API's read paths and the same question put to the least app (which takes the person as a query
    parameter where the API takes a token)."""
    title: str
    api: str
    least: str
    signed_in: bool


def seed_read_paths(url: str, me: dict, store: MessagesStore) -> list[ReadPath]:
    """Write what the read paths need for the signed-in bench user `me` (their users row) and name the paths."""
    with psycopg.connect(url, autocommit=True) as conn:
        parent, parent_at, parent_expires = conn.execute(READ_PATHS_SEED[0]).fetchone()
        author = conn.execute("SELECT u.handle FROM activities a JOIN users u ON u.uuid = a.user_uuid "
                              "WHERE a.uuid = %s", [parent]).fetchone()[0]
        params = {"parent": parent, "parent_at": parent_at, "parent_expires": parent_expires,
                  "me": me["uuid"], "handle": me["handle"]}
        for statement in READ_PATHS_SEED[1:]:
            conn.execute(statement, {k: v for k, v in params.items() if f"%({k})s" in statement})
        others = [str(uuid) for (uuid,) in conn.execute(
            "SELECT uuid FROM users WHERE handle = ANY(%s) ORDER BY handle",
            [[f"bench{n}" for n in range(1, CONVERSATIONS + 1)]])]
    mine = str(me["uuid"])
    start = datetime.now(timezone.utc) - timedelta(days=2)
    for n, other in enumerate(others):
        for k in range(LONG_CONVERSATION if n == 0 else 2):
            sender, recipient = (mine, other) if k % 2 else (other, mine)
            store.post(conversation_uuid(mine, other), sender, recipient, f"Message {k} between us",
                       start + timedelta(minutes=60 * n + k))
    group = conversation_uuid(mine, others[0])
    as_me = f"?user={mine}"
    return [
        ReadPath("GET /api/activities/@<handle>/status/<uuid>: a crud with its 30 replies",
                 f"/api/activities/@{author}/status/{parent}", f"/api/activities/@{author}/status/{parent}", False),
        ReadPath(f"GET /api/activities/@<handle>: a profile (@{PROFILE_HANDLE})",
                 f"/api/activities/@{PROFILE_HANDLE}", f"/api/activities/@{PROFILE_HANDLE}", False),
        ReadPath("GET /api/activities/notifications, signed in", "/api/activities/notifications",
                 "/api/activities/notifications" + as_me, True),
        ReadPath(f"GET /api/activities/search?term={SEARCH_TERM}", f"/api/activities/search?term={SEARCH_TERM}",
                 f"/api/activities/search?term={SEARCH_TERM}", False),
        ReadPath(f"GET /api/message_groups, signed in ({CONVERSATIONS} conversations)", "/api/message_groups",
                 "/api/message_groups" + as_me, True),
        ReadPath(f"GET /api/messages/<group uuid>, signed in ({LONG_CONVERSATION} messages)",
                 f"/api/messages/{group}", f"/api/messages/{group}", True),
    ]


def key_shape(value):
    """The keys an answer carries, nested (a list by its first item): what a client reads of it, values aside."""
    if isinstance(value, dict):
        return {k: key_shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [key_shape(value[0])] if value else []
    return None


def listed(value) -> dict:
    """Each list in an answer (by its key) as the uuids of its items, in order; a lone object's own uuid."""
    found = {}
    for key, inner in value.items():
        if isinstance(inner, list):
            found[key] = [item.get("uuid") for item in inner]
        elif isinstance(inner, dict) and "uuid" in inner:
            found[key] = inner["uuid"]
    return found


def check_same_answers(paths: list[ReadPath], api: Measured, least: Measured, auth: dict) -> None:
    """Fail loudly unless the least app answers each read path with the API's keys and the same items in the
    same order: a ratio against a different question would mean nothing."""
    for path in paths:
        ours = requests.get(api.url + path.api, headers=auth if path.signed_in else None, timeout=10)
        theirs = requests.get(least.url + path.least, timeout=10)
        ours.raise_for_status()
        theirs.raise_for_status()
        ours, theirs = ours.json(), theirs.json()
        if key_shape(ours) != key_shape(theirs):
            raise SystemExit(f"bench: {path.title}: the least app's keys differ from the API's:\n"
                             f"  API:       {json.dumps(key_shape(ours))}\n"
                             f"  least app: {json.dumps(key_shape(theirs))}")
        if listed(ours) != listed(theirs):
            raise SystemExit(f"bench: {path.title}: the least app lists other items than the API:\n"
                             f"  API:       {listed(ours)}\n  least app: {listed(theirs)}")
        if not any(listed(ours).values()):
            raise SystemExit(f"bench: {path.title}: the answer is empty; the seed did not give this path its data")


HEALTH = "/api/health-check"  # what the container's health check asks (backend-flask/bin/health-check)
STARTS = 5
POLL_EVERY = 0.005


class Started(Served):
    """A server started exactly as Served starts it (bin/serve, as the image runs it), timed from just before its
    Popen to its first 200 of the feed, which a thread on wrk's core asks for every 5 ms; then one health check
    and nothing else, so that its workers' memory is what they hold idle."""

    def __init__(self, env: dict, log: Path, chdir: Path):
        self.first_200: float | None = None
        # nginx took a connection: the request then waits in gunicorn's socket queue until a worker has the app
        self.listening: float | None = None
        began = time.monotonic()
        poller = threading.Thread(target=self._poll, args=(began,), daemon=True)
        poller.start()
        super().__init__(env, log, chdir=chdir, front=True)
        poller.join(timeout=60)
        if self.first_200 is None:
            self.stop()
            raise TimeoutError(f"{chdir.name}: no 200 from {FEED} within 60 s of its start")

    def _poll(self, began: float) -> None:
        if (os.cpu_count() or 1) > 1:
            os.sched_setaffinity(0, {1})  # this thread only: the server's start keeps core 0 to itself
        while not hasattr(self, "port"):  # Served picks its port first thing, just before its Popen
            time.sleep(0.0005)
        deadline = began + 60
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.connect()
                if self.listening is None:
                    self.listening = time.monotonic() - began
                conn.request("GET", FEED)
                status = conn.getresponse().status
                conn.close()
            except OSError:
                status = None
            if status == 200:
                self.first_200 = time.monotonic() - began
                requests.get(self.url + HEALTH, timeout=5).raise_for_status()
                return
            time.sleep(POLL_EVERY)

    def idle_rss_mb(self, settle: float = 0.1, timeout: float = 10) -> list[float]:
        """Each worker's resident memory once none has grown for three looks in a row (a worker that has not
        answered yet may still be importing the app just after the first 200)."""
        deadline = time.monotonic() + timeout
        last, steady = None, 0
        while steady < 3 and time.monotonic() < deadline:
            time.sleep(settle)
            sizes = self.worker_rss_mb()
            steady = steady + 1 if sizes == last else 0
            last = sizes
        return sorted(last)


@dataclass
class Start:
    seconds: float  # from Popen to the first 200 of the feed
    listening: float  # from Popen to nginx's taking a connection
    rss_mb: list[float]  # each worker's, idle after that 200 and one health check


def measure_starts(env: dict, work: Path, url: str) -> dict[str, list[Start]]:
    """STARTS fresh starts of the API and of the least app behind nginx, alternating, nothing else running on
    their core but the idle servers already started."""
    found = {"API": [], "least app": []}
    for n in range(STARTS):
        for side, chdir in (("API", BACKEND), ("least app", ROOT / "bench" / "baseline")):
            name = f"start-{'api' if side == 'API' else 'least'}-{n}"
            with Started({**env, "CONNECTION_URL": named(url, name)}, work / f"{name}.log", chdir) as server:
                found[side].append(Start(server.first_200, server.listening, server.idle_rss_mb()))
            print(f"start: {side} {found[side][-1].seconds:.3f} s, idle workers "
                  f"{', '.join(f'{m:.1f}' for m in found[side][-1].rss_mb)} MiB", flush=True)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=3, help="length of each measured run of the feed")
    parser.add_argument("--path-seconds", type=int, default=3,
                        help="length of each measured run of the other read paths")
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--activities", type=int, default=40000)
    parser.add_argument("--concurrency", default="1,8,32")
    parser.add_argument("--api-only", action="store_true",
                        help="skip the frontend and image numbers other areas measure")
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--live-only", action="store_true",
                      help="measure only what idle open tabs cost; prints it and leaves RESULTS.md alone")
    only.add_argument("--paths-only", action="store_true",
                      help="measure only the read paths other than the feed; prints them and leaves RESULTS.md alone")
    only.add_argument("--feed-only", action="store_true",
                      help="measure only the feed against the least app, anonymous and signed in; prints it and "
                           "leaves RESULTS.md alone")
    only.add_argument("--start-only", action="store_true",
                      help="measure only start to first 200 and idle memory; prints it and leaves RESULTS.md alone")
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

        def signed_in() -> dict:
            """A fresh token for each signed-in comparison: one lives five minutes (docs/api.md)."""
            token = local_cognito.sign_in(moto.url, pool.client_id, user.email, local_cognito.DEMO_PASSWORD)
            return {"Authorization": f"Bearer {token['AccessToken']}"}

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
        least = measured("least-served", front=True, chdir=ROOT / "bench" / "baseline")
        if args.paths_only or args.live_only or args.start_only or args.feed_only:
            others = ()
        else:
            api_alone = measured("cruddur-api-alone", front=False)
            least_alone = measured("least-alone", front=False, chdir=ROOT / "bench" / "baseline")
            # what the access lines, and the metrics in them, cost (docs/api.md, "Metrics")
            api_unlogged = measured("cruddur-api-unlogged", front=True, CRUDDUR_ACCESS_LOG="off")
            others = (api_alone, least_alone, api_unlogged)
        servers = (api, least, *others)
        auth = signed_in()
        # the bench user's first signed-in call makes their users row, as it would in production
        me = requests.get(api.url + "/api/me", headers=auth, timeout=10)
        me.raise_for_status()
        paths = seed_read_paths(url, me.json(), MessagesStore(ddb, "cruddur-messages"))
        least_as_me = f"{FEED}?user={me.json()['uuid']}"
        check_same_answers([ReadPath("GET /api/activities/home", FEED, FEED, False),
                            ReadPath("GET /api/activities/home, signed in", FEED, least_as_me, True), *paths],
                           api, least, auth)
        if args.start_only:
            print(render_starts(measure_starts(env, work, url)))
            return 0
        starts = None if args.paths_only or args.live_only or args.feed_only else measure_starts(env, work, url)
        for server in servers:
            requests.get(server.url + FEED, timeout=10).raise_for_status()
        requests.get(api.url + FEED, headers=auth, timeout=10).raise_for_status()
        for server in servers:
            wrk(server.url + FEED, 8, 2)  # warm every side up: pools filled, code paths hot

        if args.live_only:
            print(render_live(live_section(api, moto.url, pool, user, args.seconds)))
            return 0
        read_paths = [] if args.feed_only else measure_read_paths(paths, api, least, signed_in, args.path_seconds)
        if args.paths_only:
            print(render_read_paths(read_paths, args.path_seconds))
            return 0
        # (title, first side and the path it is asked, the API, whether the API's requests carry the token)
        comparisons = [(LEAST_SERVED, least, FEED, api, False), (LEAST_SIGNED_IN, least, least_as_me, api, True)]
        if not args.feed_only:
            comparisons += [(FIRST_WRITTEN, least, f"{FEED}?first-written", api, False),
                            (LEAST_ALONE, least_alone, FEED, api, False), (DESIGN, api_alone, FEED, api, False),
                            (METRICS, api_unlogged, FEED, api, False)]
        sections = {}
        for title, first, path, second, signing in comparisons:
            rows = []
            for c in levels:
                headers = signed_in() if signing else None
                pair = paired(partial(first.load, c, args.seconds, path=path),
                              partial(second.load, c, args.seconds, headers))
                rows.append((c, pair))
                print(f"{title}: c={c:<3} {pair.ratio:.2f} (pairs {pair.spread()})", flush=True)
            sections[title] = rows
        if args.feed_only:
            print("\n".join(line for title, rows in sections.items() for line in render_section(title, rows)))
            return 0
        auth = signed_in()
        signed_in_cost = paired(lambda: api.load(8, args.seconds), lambda: api.load(8, args.seconds, auth))
        print(f"signed-in cost: {signed_in_cost.cost:.2f}× (pairs {signed_in_cost.spread(invert=True)})", flush=True)
        live = live_section(api, moto.url, pool, user, args.seconds)
        rss = api.server.worker_rss_mb()
        base_rss = least.server.worker_rss_mb()

    report = (render(args, sections, signed_in_cost, read_paths, starts, rss, base_rss)
              + render_read_paths(read_paths, args.path_seconds) + render_live(live))
    if not args.api_only:
        report += "\n".join(extra_sections()) + "\n"
    RESULTS.write_text(report)
    print(report)
    return 0


def measure_read_paths(paths: list[ReadPath], api: Measured, least: Measured, signed_in, seconds: int,
                       connections: int = 8) -> list[tuple[ReadPath, Comparison]]:
    """Each read path, the least app's answer against the API's, ROUNDS pairs at `connections` clients."""
    found = []
    for path in paths:
        headers = signed_in() if path.signed_in else None
        wrk(least.url + path.least, connections, 1)  # warm both sides up on this path
        wrk(api.url + path.api, connections, 1, headers)
        pair = paired(partial(least.load, connections, seconds, path=path.least),
                      partial(api.load, connections, seconds, headers, path=path.api))
        found.append((path, pair))
        print(f"{path.title}: c={connections} {pair.ratio:.2f} (pairs {pair.spread()})", flush=True)
    return found


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
    """The CPU a request cost the server, and in brackets its workers' / nginx's / PostgreSQL's share."""
    if load.cpu_ms is None:
        return "n/a"
    parts = f" ({' / '.join(f'{part:.2f}' for part in load.cpu_parts)})" if load.cpu_parts else ""
    return f"{load.cpu_ms:.2f}{parts}"


def comparison_rows(rows: list[tuple[int, Comparison]], first: str = "least app", second: str = "API") -> list[str]:
    """One comparison's table: a row per client count, the second side's columns first."""
    lines = [
        f"| clients | {second} req/s | p50 ms | p99 ms | CPU ms/req | {first} req/s | p50 ms | p99 ms "
        "| CPU ms/req | ratio | pairs | errors |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for c, pair in rows:
        b, a = pair.typical(pair.first), pair.typical(pair.second)
        lines.append(f"| {c} | {a.requests_per_s:.0f} | {a.p50_ms:.2f} | {a.p99_ms:.2f} | {cpu(a)} "
                     f"| {b.requests_per_s:.0f} | {b.p50_ms:.2f} | {b.p99_ms:.2f} | {cpu(b)} "
                     f"| **{pair.ratio:.2f}** | {pair.spread()} | {pair.errors} |")
    return lines


def tail(runs: list[Load]) -> tuple[float, float, float]:
    """(median, lowest, highest) over the runs of each run's p99 over its p50."""
    ratios = [load.p99_ms / load.p50_ms for load in runs if load.p50_ms]
    return statistics.median(ratios), min(ratios), max(ratios)


def at(rows: list[tuple[int, Comparison]], clients: int) -> Comparison | None:
    return next((pair for c, pair in rows if c == clients), None)


def met(ok: bool) -> str:
    return "yes" if ok else "**no**"


def render_goals(sections, read_paths, starts) -> list[str]:
    """The speed issue's goals beside what this run measured (the sections below hold the detail)."""
    lines = ["## Goals at a glance", "", "| goal | measured | met |", "|---|---|---|"]
    for title, name in ((LEAST_SERVED, "anonymous"), (LEAST_SIGNED_IN, "signed in")):
        rows = sections[title]
        lines.append(f"| feed {name}, API ≥ 0.9× the least app (behind nginx) | "
                     + " / ".join(f"{pair.ratio:.2f}" for _, pair in rows)
                     + f" at {' / '.join(str(c) for c, _ in rows)} clients | "
                     f"{met(all(pair.ratio >= 0.9 for _, pair in rows))} |")
    for path, pair in read_paths:
        lines.append(f"| {path.title.split(':')[0].split(',')[0]}, API ≥ 0.8× the least app | {pair.ratio:.2f} at 8 "
                     f"clients | {met(pair.ratio >= 0.8)} |")
    for title, name in ((LEAST_SERVED, "anonymous"), (LEAST_SIGNED_IN, "signed in")):
        pair = at(sections[title], 32)
        if pair:
            median, _, _ = tail(pair.second)
            lines.append(f"| feed {name} at 32 clients, API's p99 ≤ 3× its p50 | {median:.1f}× | {met(median <= 3)} |")
    if starts:
        api = [s.seconds for s in starts["API"]]
        worst = statistics.median(max(s.rss_mb) for s in starts["API"])
        lines += [f"| API start to first 200 ≤ 0.5 s | {statistics.median(api):.2f} s | "
                  f"{met(statistics.median(api) <= 0.5)} |",
                  f"| API idle memory per worker ≤ 50 MiB | {worst:.1f} MiB (largest worker) | {met(worst <= 50)} |"]
    return [*lines, ""]


def render_tail(sections) -> list[str]:
    lines = ["## Tail latency at 32 clients (goal: the API's p99 ≤ 3× its p50)", "",
             f"Each side's p99 over its p50 in each of the {ROUNDS} runs at 32 clients of the comparisons above: "
             "the median and the range.", "",
             "| | p50 ms | p99 ms | p99 / p50 | runs |", "|---|---:|---:|---:|---:|"]
    for title, name in ((LEAST_SERVED, "anonymous"), (LEAST_SIGNED_IN, "signed in")):
        pair = at(sections[title], 32)
        if not pair:
            continue
        for label, runs in ((f"API behind nginx, feed {name}", pair.second), ("least app behind nginx", pair.first)):
            median, low, high = tail(runs)
            lines.append(f"| {label} | {statistics.median(r.p50_ms for r in runs):.2f} "
                         f"| {statistics.median(r.p99_ms for r in runs):.2f} | **{median:.1f}×** "
                         f"| {low:.1f}–{high:.1f} |")
    return [*lines, ""]


def render_starts(starts: dict[str, list[Start]]) -> str:
    lines = [
        "## Start to first 200 and idle memory (goals: ≤ 0.5 s, ≤ 50 MiB per worker)", "",
        f"{STARTS} fresh starts of each behind nginx (bin/serve, as the image runs it), alternating: seconds from "
        f"the Popen to the first 200 of `GET {FEED}`, asked every {POLL_EVERY * 1000:.0f} ms; then one "
        f"`GET {HEALTH}` (the container's health check) and nothing else, and each gunicorn worker's resident "
        "memory (VmRSS) once it stops growing. Medians over the starts, ranges beside them; \"listening\" is when "
        "nginx first took a connection (its request then waits in gunicorn's socket queue until a worker has "
        "loaded the app).", "",
        "| | start to first 200 | range | listening | idle RSS per worker (largest) | range "
        "| every worker, median start |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for side, runs in starts.items():
        seconds = [s.seconds for s in runs]
        largest = [max(s.rss_mb) for s in runs]
        typical = sorted(runs, key=lambda s: s.seconds)[len(runs) // 2]
        lines.append(f"| {side} | **{statistics.median(seconds):.2f} s** | {min(seconds):.2f}–{max(seconds):.2f} "
                     f"| {statistics.median(s.listening for s in runs):.2f} s "
                     f"| **{statistics.median(largest):.1f} MiB** | {min(largest):.1f}–{max(largest):.1f} "
                     f"| {', '.join(f'{m:.1f}' for m in typical.rss_mb)} MiB |")
    return "\n".join(lines) + "\n"


def render_read_paths(read_paths: list[tuple[ReadPath, Comparison]], seconds: int) -> str:
    lines = [
        "## The other read paths against the least app (goal: ≥ 0.8)", "",
        f"Each path: {ROUNDS} pairs of {seconds}-second runs at 8 clients, the least app's route for the same "
        "question against the API, both behind nginx; signed-in paths carry the bench user's token to the API, and "
        "the least app takes the same person as `?user=<uuid>`. The least app answers with the API's keys and the "
        "same items in the same order (checked before the runs). Data beyond the volume seed: a crud with 30 "
        "replies; for the bench user 40 cruds naming them and 10 of their own, each answered twice and liked "
        f"three times (90 notifications); {CONVERSATIONS} conversations written through the API's messages store, "
        f"one of {LONG_CONVERSATION} messages. The search term is a word in about one crud in fifty.", "",
    ]
    for path, pair in read_paths:
        lines += [f"### {path.title}", "", *comparison_rows([(8, pair)]), ""]
    return "\n".join(lines) + "\n"


def render_section(title: str, rows: list[tuple[int, Comparison]]) -> list[str]:
    """One comparison of the feed under its title, each side named as that comparison names it."""
    first, second = {DESIGN: ("gunicorn alone", "behind nginx"),
                     METRICS: ("no access lines", "access lines")}.get(title, ("least app", "API"))
    return [f"## {title}", "", *comparison_rows(rows, first, second), ""]


def render(args, sections: dict[str, list[tuple[int, Comparison]]], signed_in: Comparison,
           read_paths: list[tuple[ReadPath, Comparison]], starts: dict[str, list[Start]], rss, base_rss) -> str:
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmark results", "",
        f"Measured {when} by `make bench` on {os.cpu_count()} cores; servers on core 0, wrk on core 1. "
        f"Data: {args.users} users, {args.activities} cruds (+ about a tenth as replies, a fifth expired). "
        f"Every gunicorn uses backend-flask/gunicorn.conf.py ({os.environ.get('GUNICORN_WORKERS', '2')} workers × "
        f"{os.environ.get('GUNICORN_THREADS', '4')} threads); \"behind nginx\" is backend-flask/bin/serve, as the "
        "image runs it. The least app (bench/baseline/app.py) answers each read path with one query whose JSON "
        "PostgreSQL builds, passed through as the body (for direct messages, after one DynamoDB query). "
        f"The machine's load average as this was written: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.", "",
        f"Every comparison is {ROUNDS} pairs of {args.seconds}-second runs, the two sides back to back; a ratio is "
        "the median of the pairs' ratios (second side's throughput over the first's), and the range beside it "
        "shows how far single pairs strayed. Requests per second, latencies and CPU are those of each side's "
        "median run. CPU ms/req is what one request cost the server's processes (gunicorn's workers and "
        "nginx's) plus its own PostgreSQL backends, and in brackets the three apart (workers / nginx / "
        "PostgreSQL), which says where a difference comes from: with servers and database sharing one core, "
        "throughput follows the total.", "",
    ]
    lines += render_goals(sections, read_paths, starts)
    for title, rows in sections.items():
        lines += render_section(title, rows)
        if title == LEAST_SIGNED_IN:
            lines += render_tail(sections)
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
    ]
    if starts:
        lines.append(render_starts(starts))
    lines += [
        "## Memory after the runs", "",
        f"Resident memory per API worker after the runs: {', '.join(f'{m:.1f} MiB' for m in rss)} "
        f"(least app's workers: {', '.join(f'{m:.1f} MiB' for m in base_rss)}).", "",
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
