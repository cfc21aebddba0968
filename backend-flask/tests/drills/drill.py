"""What the drills share: bounded polls of a real server's answers, and a load of concurrent callers."""
from __future__ import annotations

import threading
import time
from collections import Counter

import requests


def poll_until(predicate, timeout: float, interval: float = 0.05):
    """The first truthy value of `predicate()` within `timeout` seconds, else AssertionError."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(interval)


def status_of(url: str, headers: dict | None = None) -> int | str:
    try:
        # longer than the API waits for a pooled connection (5 s), so a slow 503 is seen as a 503
        return requests.get(url, headers=headers, timeout=15).status_code
    except requests.RequestException as err:
        return type(err).__name__


class Load:
    """Threads calling the API until stopped, counting answers per path."""

    def __init__(self, base_url: str, paths: list[str], threads: int = 4):
        self.base_url, self.paths = base_url, paths
        self.results: dict[str, Counter] = {p: Counter() for p in paths}
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(threads)]

    def _run(self, index: int) -> None:
        session = requests.Session()
        path = self.paths[index % len(self.paths)]
        while not self._stop.is_set():
            try:
                code = session.get(self.base_url + path, timeout=10).status_code
            except requests.RequestException as err:
                code = type(err).__name__
            self.results[path][code] += 1

    def __enter__(self) -> Load:
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(timeout=15)
