"""The compose stack's `aws-local` service: the AWS emulator, provisioned as soon as it listens.

The emulator keeps everything in memory and generates new Cognito ids on every start, so the ids are
written to a file on a shared volume once provisioning is done; the backend and the web app read it at
start, and the service counts as healthy only once the file exists (compose starts them after that).

    python -m containers.aws_local      # PORT (5005), AWS_DEFAULT_REGION, STATE_FILE, PUBLIC_URL
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from devstack import cognito
from devstack.net import wait_for_port


def env_file(local: cognito.LocalCognito, region: str, public_url: str, inside_url: str) -> str:
    jwks = local.jwks_url.replace(inside_url, public_url, 1)
    return (f"export AWS_DEFAULT_REGION={region}\n"
            f"export AWS_COGNITO_USER_POOL_ID={local.user_pool_id}\n"
            f"export AWS_COGNITO_USER_POOL_CLIENT_ID={local.client_id}\n"
            f"export AWS_COGNITO_JWKS_URL={jwks}\n")


def main() -> int:
    port = int(os.environ.get("PORT", "5005"))
    region = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
    state = Path(os.environ.get("STATE_FILE", "/aws-local/cognito.env"))
    # What the other containers call the emulator (the compose service name), for the key-set URL.
    public_url = os.environ.get("PUBLIC_URL", f"http://aws-local:{port}")
    state.unlink(missing_ok=True)  # ids from an earlier run point at a pool this emulator never had
    server = subprocess.Popen([sys.executable, "-m", "devstack.moto_ext", "-H", "0.0.0.0", "-p", str(port)])
    signal.signal(signal.SIGTERM, lambda *_: server.terminate())
    try:
        wait_for_port(port, timeout=60)
        inside_url = f"http://127.0.0.1:{port}"
        local = cognito.provision(inside_url, region)
        partial = state.with_suffix(".new")
        partial.write_text(env_file(local, region, public_url, inside_url))
        partial.replace(state)
        print(f"aws-local: provisioned pool {local.user_pool_id}, client {local.client_id}; demo sign-in "
              f"{cognito.DEMO_USERS[0].email} / {cognito.DEMO_PASSWORD}", flush=True)
    except BaseException:
        server.terminate()
        raise
    return server.wait()


if __name__ == "__main__":
    sys.exit(main())
