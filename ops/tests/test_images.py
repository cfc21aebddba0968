"""ecr-login, build, push. git is real (a repository made per test); the docker CLI is replaced by a
recorder of its arguments (no daemon here; the containers suite pushes to a real local registry)."""
import base64
import shutil
import subprocess

import pytest

from cruddur_ops.aws import Aws
from tests.conftest import ACCOUNT, MANIFEST, REGION


@pytest.fixture
def checkout(tmp_path, repo_root):
    """A git repository holding the ops config, with one commit."""
    shutil.copytree(repo_root / "aws", tmp_path / "aws")
    git = ["git", "-C", str(tmp_path), "-c", "user.name=ops", "-c", "user.email=ops@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "start"], check=True)
    sha = subprocess.run([*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True).stdout.strip()
    return tmp_path, sha[:12]


class Docker:
    """Runs git for real; records docker calls and answers them (image inspect: the images we hold)."""

    def __init__(self, local_images=()):
        self.calls, self.stdin, self.local_images = [], [], set(local_images)

    def __call__(self, argv, **kwargs):
        if argv[0] != "docker":
            return subprocess.run(argv, **kwargs)
        self.calls.append(argv[1:])
        self.stdin.append(kwargs.get("input"))
        found = argv[1:3] != ["image", "inspect"] or argv[3] in self.local_images
        return subprocess.CompletedProcess(argv, 0 if found else 1, "", "")


def test_build_tags_linux_amd64_image_with_the_commit(cli, checkout):
    root, sha = checkout
    docker = Docker()
    result = cli(["build", "backend-flask"], root=root, environ={}, subprocess_run=docker)
    assert (result.code, result.stdout) == (0, f"backend-flask:{sha}\n")
    assert docker.calls == [["build", "--platform", "linux/amd64", "--file", "backend-flask/Dockerfile.prod",
                             "--label", f"org.opencontainers.image.revision={sha}", "--tag", f"backend-flask:{sha}",
                             "backend-flask"]]


def test_push_refuses_a_dirty_tree(cli, checkout):
    root, sha = checkout
    (root / "aws/ops.toml").write_text((root / "aws/ops.toml").read_text() + "\n# edited\n")
    docker = Docker({f"backend-flask:{sha}"})
    result = cli(["push", "backend-flask"], root=root, environ={"ECR_REGISTRY": "127.0.0.1:5000"},
                 subprocess_run=docker)
    assert (result.code, result.stdout) == (1, "")
    assert result.stderr == ("error: the working tree has uncommitted changes (aws/ops.toml); commit them, "
                             "or pass --allow-dirty\n")
    assert docker.calls == []


def test_push_to_a_local_registry_needs_no_aws(cli, checkout):
    root, sha = checkout
    (root / "notes.txt").write_text("untracked")
    docker = Docker({f"frontend-react-js:{sha}"})
    result = cli(["push", "frontend-react-js", "--allow-dirty"], root=root, environ={"ECR_REGISTRY": "127.0.0.1:5000"},
                 subprocess_run=docker, aws=Aws(REGION, endpoint_url="http://127.0.0.1:9"))
    assert (result.code, result.stdout) == (0, f"127.0.0.1:5000/frontend-react-js:{sha}\n")
    assert result.stderr == ("warning: pushing from a dirty tree: "
                             "the commit tag does not describe the uncommitted changes\n")
    assert docker.calls[1:] == [["tag", f"frontend-react-js:{sha}", f"127.0.0.1:5000/frontend-react-js:{sha}"],
                                ["push", f"127.0.0.1:5000/frontend-react-js:{sha}"]]


def test_push_to_ecr_uses_the_account_registry_and_never_overwrites_a_tag(cli, checkout, aws):
    root, sha = checkout
    aws.ecr.create_repository(repositoryName="backend-flask", imageTagMutability="IMMUTABLE")
    docker = Docker({f"backend-flask:{sha}"})
    registry = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com"
    first = cli(["push", "backend-flask"], root=root, environ={}, subprocess_run=docker, aws=aws)
    assert (first.code, first.stdout) == (0, f"{registry}/backend-flask:{sha}\n")
    assert ["push", f"{registry}/backend-flask:{sha}"] in docker.calls
    aws.ecr.put_image(repositoryName="backend-flask", imageManifest=MANIFEST, imageTag=sha)
    docker.calls.clear()
    again = cli(["push", "backend-flask"], root=root, environ={}, subprocess_run=docker, aws=aws)
    assert again.code == 0
    assert again.stderr == (f"warning: {registry}/backend-flask:{sha} already exists (tags are immutable); "
                            "not pushed again\n")
    assert [call[0] for call in docker.calls] == ["image"]


def test_push_without_a_built_image_says_build_first(cli, checkout):
    root, sha = checkout
    result = cli(["push", "backend-flask"], root=root, environ={"ECR_REGISTRY": "127.0.0.1:5000"},
                 subprocess_run=Docker())
    assert result.stderr == (f"error: no local image backend-flask:{sha}; "
                             "build it first: python -m cruddur_ops build backend-flask\n")


def test_ecr_login_passes_the_token_password_on_stdin(cli, aws):
    docker = Docker()
    result = cli(["ecr-login"], environ={}, subprocess_run=docker, aws=aws)
    registry = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com"
    assert (result.code, result.stdout) == (0, f"logged in to {registry}\n")
    assert docker.calls == [["login", "--username", "AWS", "--password-stdin", registry]]
    token = aws.ecr.get_authorization_token()["authorizationData"][0]["authorizationToken"]
    assert docker.stdin == [base64.b64decode(token).decode().split(":", 1)[1]]
