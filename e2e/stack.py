"""The whole Cruddur stack for browser journeys, on free ports, owned and torn down by the caller.

PostgreSQL (devstack.postgres), the AWS emulator with Cognito, the messages table and the avatar buckets
(devstack.moto, devstack.cognito), the API under bin/serve (nginx in front of gunicorn) exactly as its image
runs it, and the production build of the web app served by Debian's nginx as a non-root process with the
production nginx.conf. Nothing here is a test double: the browser talks to what production runs, only pointed at
local stand-ins for AWS.
"""
from __future__ import annotations

import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import boto3
import requests

from cruddur import avatars_store  # backend-flask/ is on the path (e2e/pytest.ini)
from cruddur.config import Settings
from cruddur.messages_store import table_definition
from cruddur.migrations import migrate as apply_migrations
from devstack import cognito as local_cognito
from devstack.moto import FAKE_CREDENTIALS, MotoServer
from devstack.net import free_port, wait_for_port
from devstack.postgres import Cluster
from devstack.process import stop_group

ROOT = Path(__file__).resolve().parents[1]
BACKEND_DIR = ROOT / "backend-flask"
FRONTEND_DIR = ROOT / "frontend-react-js"
DIST = FRONTEND_DIR / "dist"
REGION = "us-east-1"
MESSAGE_TABLE = "cruddur-messages"
AVATARS_BUCKET = Settings.avatars_bucket
# The production web server config and the container entrypoint that writes config.json (and the CSP)
# at start; until they exist, e2e/nginx.conf stands in with the same shape.
PRODUCTION_NGINX_CONF = FRONTEND_DIR / "nginx.conf"
ENTRYPOINT = FRONTEND_DIR / "container" / "entrypoint"
FALLBACK_NGINX_CONF = Path(__file__).resolve().parent / "nginx.conf"
# Paths and port fixed for the image, remapped to this run's own directory and free port.
IMAGE_RUNTIME_DIR = "/tmp/cruddur"


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    """Wait until `url` answers 2xx; fail at once, with the log, if the process dies first."""
    port = int(url.split(":")[2].split("/")[0])
    deadline = time.monotonic() + timeout
    problem = None
    while problem is None:
        if proc.poll() is not None:
            problem = f"exited with {proc.returncode}"
            break
        try:
            wait_for_port(port, timeout=0.5)
            requests.get(url, timeout=5).raise_for_status()
            return
        except TimeoutError:
            if time.monotonic() > deadline:
                problem = f"not listening after {timeout:.0f}s"
        except requests.RequestException as err:
            problem = str(err)
    stop_group(proc)
    raise RuntimeError(f"{url} did not come up ({problem}); log {log}:\n{log.read_text()[-3000:]}")


@dataclass
class Backend:
    url: str
    database_url: str
    process: subprocess.Popen

    def stop(self) -> None:
        stop_group(self.process)


def migrate(database_url: str) -> None:
    """The backend's own migrator, so the schema is exactly what the API's deploy applies."""
    apply_migrations(database_url)


def seed(database_url: str, pool: local_cognito.LocalCognito, aws_url: str) -> None:
    """The demo users and their cruds, linked to their Cognito users, through the backend's db chores."""
    env = {**os.environ, **FAKE_CREDENTIALS, "CONNECTION_URL": database_url, "AWS_ENDPOINT_URL": aws_url,
           "AWS_DEFAULT_REGION": REGION, "AWS_COGNITO_USER_POOL_ID": pool.user_pool_id}
    for chore in ("seed", "update-cognito-user-ids"):
        subprocess.run([sys.executable, "-m", "cruddur.admin", "db", chore], cwd=BACKEND_DIR, env=env, check=True,
                       capture_output=True)


def start_backend(*, database_url: str, frontend_url: str, pool: local_cognito.LocalCognito,
                  aws_url: str, log: Path) -> Backend:
    """bin/serve from backend-flask/ (nginx in front of gunicorn, as the image runs it), configured by the env
    contract only."""
    port = free_port()
    env = {
        **os.environ, **FAKE_CREDENTIALS,
        "PORT": str(port), "GUNICORN_WORKERS": "1", "GUNICORN_THREADS": "8",
        "CRUDDUR_ENV": "development",
        "CONNECTION_URL": database_url,
        "FRONTEND_URL": frontend_url,
        "BACKEND_URL": f"http://127.0.0.1:{port}",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_COGNITO_USER_POOL_ID": pool.user_pool_id,
        "AWS_COGNITO_USER_POOL_CLIENT_ID": pool.client_id,
        "AWS_COGNITO_JWKS_URL": pool.jwks_url,
        "AWS_ENDPOINT_URL": aws_url,
        "DDB_MESSAGE_TABLE": MESSAGE_TABLE,
        "AVATARS_URL": f"{aws_url}/{AVATARS_BUCKET}",
    }
    with open(log, "ab") as out:  # the child writes through its own copy of the descriptor
        proc = subprocess.Popen(
            [sys.executable, "bin/serve"],
            cwd=BACKEND_DIR, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    _wait_healthy(f"{url}/api/health-check", proc, log)
    return Backend(url=url, database_url=database_url, process=proc)


def render_nginx_conf(template: str, *, port: int, dist: Path, runtime_dir: Path) -> str:
    """The image's nginx.conf with only its location-bound values moved: port, web root, writable dirs.

    One pass over the template, so a new value (a temp dir named /tmp/cruddur-e2e-...) is never itself
    matched by a later pattern."""
    replacements = [
        (r"listen\s+3000;", f"listen 127.0.0.1:{port};"),
        (r"root\s+/usr/share/nginx/html;", f"root {dist};"),
        (re.escape(IMAGE_RUNTIME_DIR) + r"\b", str(runtime_dir)),
        (r"/tmp/nginx", str(runtime_dir / "nginx")),
    ]
    combined = re.compile("|".join(f"({pattern})" for pattern, _ in replacements))
    seen = set()

    def swap(match: re.Match) -> str:
        index = match.lastindex - 1
        seen.add(index)
        return replacements[index][1]

    rendered = combined.sub(swap, template)
    for index, (pattern, _) in enumerate(replacements):
        if index not in seen:
            raise ValueError(f"nginx.conf no longer contains {pattern!r}; update e2e/stack.py to match it")
    return rendered


def write_runtime_config(runtime_dir: Path, config: dict) -> None:
    """config.json (and the CSP include) for the web server, written the way the container writes them.

    The container entrypoint is run itself, with its runtime directory moved into this run's tmp dir.
    """
    runtime_dir.mkdir(parents=True, exist_ok=True)
    if not ENTRYPOINT.exists():
        (runtime_dir / "config.json").write_text(json.dumps(config))
        return
    script = ENTRYPOINT.read_text().replace(f"runtime_dir={IMAGE_RUNTIME_DIR}", f"runtime_dir={runtime_dir}")
    env = {
        "PATH": os.environ["PATH"],
        "BACKEND_URL": config["backendUrl"],
        "AWS_DEFAULT_REGION": config["region"],
        "AWS_COGNITO_USER_POOL_ID": config["userPoolId"],
        "AWS_COGNITO_USER_POOL_CLIENT_ID": config["userPoolClientId"],
        "AWS_COGNITO_ENDPOINT": config["cognitoEndpoint"],
        # The emulator is S3 too: browsers read avatars from it and post their uploads to it.
        "AVATARS_URL": f"{config['cognitoEndpoint']}/{AVATARS_BUCKET}",
        "AVATAR_UPLOADS_URL": config["cognitoEndpoint"],
    }
    subprocess.run(["sh", "-c", script, "entrypoint", "true"], env=env, check=True, capture_output=True)


@dataclass
class WebServer:
    url: str
    runtime_dir: Path
    process: subprocess.Popen

    def stop(self) -> None:
        stop_group(self.process)


def start_web(*, config: dict, workdir: Path, port: int, log: Path) -> WebServer:
    """Debian's nginx serving the production build, as `nobody` when the tests run as root."""
    runtime_dir = workdir / "runtime"
    write_runtime_config(runtime_dir, config)
    # A copy of the build inside the run's directory: the unprivileged server may not be allowed to walk
    # down to the checkout (a clone under a private directory), and the files are the same bytes.
    site_root = workdir / "html"
    shutil.copytree(DIST, site_root)
    template = (PRODUCTION_NGINX_CONF if PRODUCTION_NGINX_CONF.exists() else FALLBACK_NGINX_CONF).read_text()
    conf = workdir / "nginx.conf"
    conf.write_text(render_nginx_conf(template, port=port, dist=site_root, runtime_dir=runtime_dir))
    argv = ["nginx", "-e", "stderr", "-p", str(workdir), "-c", str(conf), "-g", "daemon off;"]
    log.touch()
    if os.geteuid() == 0:
        # The image runs nginx unprivileged; so does this run, which also proves it needs no root.
        # nginx reopens /dev/stdout for its access log, so the log file must be the user's too.
        nobody = pwd.getpwnam("nobody")
        for path in (workdir, runtime_dir, *runtime_dir.iterdir(), log):
            os.chown(path, nobody.pw_uid, nobody.pw_gid)
        argv = ["runuser", "-u", "nobody", "--", *argv]
    with open(log, "ab") as out:
        proc = subprocess.Popen(argv, cwd=workdir, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    _wait_healthy(f"{url}/health-check", proc, log)
    return WebServer(url=url, runtime_dir=runtime_dir, process=proc)


def create_pool(aws_url: str, name: str) -> local_cognito.LocalCognito:
    """A second, empty user pool shaped like the local one (email sign-in, same attributes)."""
    idp = local_cognito.client(aws_url, REGION)
    pool_id = idp.create_user_pool(
        PoolName=name, UsernameAttributes=["email"], AutoVerifiedAttributes=["email"],
        Policies={"PasswordPolicy": local_cognito.PASSWORD_POLICY},
    )["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName=f"{name}-web", GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        ReadAttributes=local_cognito.PROFILE_ATTRIBUTES,
    )["UserPoolClient"]["ClientId"]
    return local_cognito.LocalCognito(user_pool_id=pool_id, client_id=client_id,
                                      jwks_url=f"{aws_url}/{pool_id}/.well-known/jwks.json")


def spa_config(backend_url: str, pool: local_cognito.LocalCognito, aws_url: str) -> dict:
    return {"backendUrl": backend_url, "region": REGION, "userPoolId": pool.user_pool_id,
            "userPoolClientId": pool.client_id, "cognitoEndpoint": aws_url}


@dataclass
class Site:
    """One backend and the web server whose config.json points the browser at it."""
    backend: Backend
    web: WebServer

    @property
    def url(self) -> str:
        return self.web.url


def start_site(workdir: Path, *, database_url: str, pool: local_cognito.LocalCognito, aws_url: str,
               cleanup: ExitStack) -> Site:
    # Each side names the other: the API allows the web origin (CORS), config.json names the API. The
    # web port is reserved first so the backend can start knowing its origin.
    workdir.mkdir(parents=True, exist_ok=True)
    web_port = free_port()
    backend = start_backend(database_url=database_url, frontend_url=f"http://127.0.0.1:{web_port}", pool=pool,
                            aws_url=aws_url, log=workdir / "backend.log")
    cleanup.callback(backend.stop)
    web = start_web(config=spa_config(backend.url, pool, aws_url), workdir=workdir, port=web_port,
                    log=workdir / "nginx.log")
    cleanup.callback(web.stop)
    return Site(backend, web)


@dataclass
class Stack:
    """One running Cruddur: `site.url` is where the browser goes."""
    workdir: Path
    cluster: Cluster
    aws: MotoServer
    pool: local_cognito.LocalCognito
    site: Site
    _cleanup: ExitStack = field(repr=False)

    def add_site(self, name: str, pool: local_cognito.LocalCognito) -> Site:
        """Another backend (own database, given pool) and web server, serving the same build."""
        database_url = self.cluster.create_database(f"cruddur_{name}")
        migrate(database_url)
        return start_site(self.workdir / name, database_url=database_url, pool=pool, aws_url=self.aws.url,
                          cleanup=self._cleanup)

    def pool_client(self):
        return local_cognito.client(self.aws.url, REGION)

    def close(self) -> None:
        self._cleanup.close()


def start_stack(workdir: Path) -> Stack:
    if not (DIST / "index.html").exists():
        raise RuntimeError(f"{DIST} has no production build: run `make frontend-build` first")
    cleanup = ExitStack()
    try:
        cluster = Cluster.create(workdir / "postgres")
        cluster.start()
        cleanup.callback(cluster.stop)
        database_url = cluster.create_database("cruddur")
        migrate(database_url)

        aws = MotoServer.start(log=workdir / "moto.log")
        cleanup.callback(aws.stop)
        pool = local_cognito.provision(aws.url, REGION)
        seed(database_url, pool, aws.url)
        credentials = {"aws_access_key_id": FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                       "aws_secret_access_key": FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
                       "aws_session_token": FAKE_CREDENTIALS["AWS_SESSION_TOKEN"]}
        boto3.client("dynamodb", endpoint_url=aws.url, region_name=REGION, **credentials) \
            .create_table(**table_definition(MESSAGE_TABLE))
        # No CORS rule: the emulator answers every origin itself, and each site of the stack has its own.
        avatars_store.create_local_buckets(boto3.client("s3", endpoint_url=aws.url, region_name=REGION, **credentials),
                                           Settings.avatar_uploads_bucket, AVATARS_BUCKET, [])

        site = start_site(workdir / "site", database_url=database_url, pool=pool, aws_url=aws.url, cleanup=cleanup)
        return Stack(workdir, cluster, aws, pool, site, cleanup)
    except BaseException:
        cleanup.close()
        raise
