"""PostgreSQL restarted under load: the API degrades to 503 and comes back by itself."""
import time

from drills.drill import Load, poll_until, status_of

READY = "/api/health-check/ready"
LIVE = "/api/health-check"
FEED = "/api/activities/home"


def test_database_restart_under_load_keeps_liveness_and_recovers(drill_cluster, api_env, serve):
    cluster, url = drill_cluster
    api = serve({**api_env, "CONNECTION_URL": url})
    workers = api.worker_pids()
    assert status_of(api.url + READY) == 200

    with Load(api.url, [FEED, LIVE, FEED, LIVE]) as load:
        poll_until(lambda: sum(load.results[FEED].values()) > 20, timeout=30)
        cluster.stop(mode="fast")
        poll_until(lambda: status_of(api.url + READY) == 503, timeout=10)
        assert status_of(api.url + LIVE) == 200
        assert status_of(api.url + FEED) == 503, "the feed says the database is unavailable, not 500"
        cluster.start()
        back = time.monotonic()
        poll_until(lambda: status_of(api.url + READY) == 200, timeout=5)
        recovered_in = time.monotonic() - back

    assert set(load.results[LIVE]) == {200}, f"liveness answered {dict(load.results[LIVE])}"
    assert set(load.results[FEED]) <= {200, 503}, f"the feed answered {dict(load.results[FEED])}"
    assert recovered_in <= 5
    assert api.worker_pids() == workers, "no worker crashed or was replaced"
    after = [status_of(api.url + FEED) for _ in range(40)]
    assert after == [200] * 40, f"after recovery: {after}"
