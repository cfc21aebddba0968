"""SIGTERM while requests are in flight (ECS stopping a task): they finish, then the process exits.

bin/serve stops nginx first (it finishes what it holds, gunicorn still answering), then gunicorn."""
import threading

import psycopg
import requests

from drills.drill import poll_until

FEED = "/api/activities/home"
IN_FLIGHT = 8  # as many as 2 workers × 4 threads hold at once
RUNNING = 4  # at least this many must be inside a query (one worker may take more than its threads)
GRACEFUL_TIMEOUT = 20  # nginx's drain (15 s) and gunicorn's stop after it, inside ECS's default 30 s stopTimeout


def waiting_on_lock(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                            "AND datname = current_database()").fetchone()[0]


def test_sigterm_lets_in_flight_requests_finish_and_exits_in_time(drill_cluster, api_env, serve):
    _, url = drill_cluster
    api = serve({**api_env, "CONNECTION_URL": url})
    answers = []

    def call():
        try:
            answers.append(requests.get(api.url + FEED, timeout=60).status_code)
        except requests.RequestException as err:
            answers.append(type(err).__name__)

    # A lock on the table holds the feed's query, so the requests are truly in flight when SIGTERM lands.
    holder = psycopg.connect(url)
    holder.execute("LOCK TABLE activities IN ACCESS EXCLUSIVE MODE")
    callers = [threading.Thread(target=call) for _ in range(IN_FLIGHT)]
    try:
        for t in callers:
            t.start()
        poll_until(lambda: waiting_on_lock(url) >= RUNNING, timeout=30)
        api.terminate()
        # release the table only once the shutdown has begun, so the requests finish during it
        poll_until(lambda: "stopping: nginx finishes" in api.log_path.read_text(), timeout=10)
    finally:
        holder.rollback()
        holder.close()
    for t in callers:
        t.join(timeout=30)

    assert answers == [200] * IN_FLIGHT, f"in-flight requests answered {answers}"
    assert api.proc.wait(timeout=GRACEFUL_TIMEOUT + 5) == 0

