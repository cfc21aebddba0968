"""Idle open tabs of the web app, as the API sees them: each polls what a home page left open asks
(GET /api/me/unread and GET /api/activities/home/new?after=<the feed's first crud>) once an interval.

Run by bench/api.py on wrk's core. The tabs' requests are spread evenly over the interval and sent over a
few kept-alive connections, as the load balancer (and nginx behind it) pools the browsers' connections:
what a tab costs the API is its requests, not a socket. Prints one JSON line: requests sent, errors, and
the answers' p50 and p99 in milliseconds.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time

import requests

CONNECTIONS = 16


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--after", required=True, help="the uuid of the crud at the top of the feed")
    parser.add_argument("--tabs", type=int, default=500)
    parser.add_argument("--interval", type=float, default=8.0, help="seconds between one tab's polls")
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args(argv)

    paths = ["/api/me/unread", f"/api/activities/home/new?after={args.after}"]
    per_second = args.tabs * len(paths) / args.interval
    start = time.monotonic()
    end = start + args.seconds
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def connection(index: int) -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {args.token}"
        n = index
        while True:
            due = start + n / per_second  # request n of the evenly spread schedule
            if due >= end:
                return
            time.sleep(max(0.0, due - time.monotonic()))
            sent = time.monotonic()
            try:
                ok = session.get(args.url + paths[n % len(paths)], timeout=10).status_code == 200
            except requests.RequestException:
                ok = False
            with lock:
                latencies.append((time.monotonic() - sent) * 1000)
                errors[0] += not ok
            n += CONNECTIONS

    threads = [threading.Thread(target=connection, args=(i,)) for i in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ordered = sorted(latencies)
    print(json.dumps({
        "requests": len(ordered), "errors": errors[0], "seconds": time.monotonic() - start,
        "p50_ms": statistics.median(ordered) if ordered else None,
        "p99_ms": ordered[int(len(ordered) * 0.99)] if ordered else None,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
