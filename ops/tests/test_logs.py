"""logs: CloudWatch lines from the moto server, --since and --follow (the sleeper is a fake)."""
import time
from datetime import datetime, timezone


def put(aws, stream, *events):
    aws.logs.create_log_stream(logGroupName="/cruddur/staging/backend-flask", logStreamName=stream)
    aws.logs.put_log_events(logGroupName="/cruddur/staging/backend-flask", logStreamName=stream,
                            logEvents=[{"timestamp": ts, "message": message} for ts, message in events])


def stamp(ms):
    return datetime.fromtimestamp(ms / 1000, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def test_since_limits_the_window_and_lines_name_their_task(aws, world, cli):
    now = int(time.time() * 1000)
    put(aws, "backend-flask/backend-flask/0f1e2d3c4b5a69788796a5b4c3d2e1f0",
        (now - 20 * 60_000, "too old"), (now - 5 * 60_000, '{"level": "info", "msg": "booted"}'))
    result = cli(["logs", "backend-flask", "--since", "10m"], aws=aws, environ={})
    assert (result.code, result.stderr) == (0, "")
    assert result.stdout == f'{stamp(now - 5 * 60_000)} 0f1e2d3c4b5a {{"level": "info", "msg": "booted"}}\n'


def test_follow_prints_each_new_line_once_until_interrupted(aws, world, cli):
    now = int(time.time() * 1000)
    stream = "backend-flask/backend-flask/aaaabbbbccccdddd"
    put(aws, stream, (now - 1000, "first"))
    naps = []

    def sleep(seconds):
        naps.append(seconds)
        if len(naps) == 1:
            aws.logs.put_log_events(logGroupName="/cruddur/staging/backend-flask", logStreamName=stream,
                                    logEvents=[{"timestamp": now, "message": "second"}])
        else:
            raise KeyboardInterrupt

    result = cli(["logs", "backend-flask", "--follow"], aws=aws, environ={}, sleep=sleep)
    assert result.code == 0
    assert result.stdout == f"{stamp(now - 1000)} aaaabbbbcccc first\n{stamp(now)} aaaabbbbcccc second\n"
    assert naps == [2, 2]


def test_unknown_container_is_refused(aws, cli):
    result = cli(["logs", "backend-flask", "--container", "sidecar"], aws=aws, environ={})
    assert (result.code, result.stderr) == (1, "error: no container 'sidecar' in backend-flask.json\n")
