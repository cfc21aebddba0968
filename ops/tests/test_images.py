"""ecr-login, build, push. git is real (a repository made per test); the docker CLI is replaced by a
recorder of its arguments whose pushes land in a real registry (the emulator's ECR, or a local registry);
the containers suite pushes real images."""
import base64
import json
import shutil
import subprocess

import pytest

from cruddur_ops import images, sbom, signing
from cruddur_ops.aws import Aws
from cruddur_ops.registry import EcrRegistry, HttpRegistry, Layer
from devstack.registry import LocalRegistry
from tests.conftest import ACCOUNT, REGION, SIGNING_KEY, create_signing_key
from tests.fake_image import FakeImages


@pytest.fixture
def checkout(tmp_path, repo_root):
    """A git repository holding the ops config, with one commit."""
    shutil.copytree(repo_root / "aws", tmp_path / "aws")
    shutil.copy(repo_root / ".gitignore", tmp_path / ".gitignore")  # .state/ (SBOMs among it) is not the tree's
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


def test_build_tags_linux_amd64_image_with_the_commit_and_writes_its_sbom(cli, checkout):
    root, sha = checkout
    docker = FakeImages({f"backend-flask:{sha}"})
    result = cli(["build", "backend-flask"], root=root, environ={}, subprocess_run=docker)
    sbom_path = root / ".state" / "sbom" / f"backend-flask-{sha}.cdx.json"
    assert (result.code, result.stdout) == (0, f"backend-flask:{sha}\n{sbom_path}\n")
    assert json.loads(sbom_path.read_text())["metadata"]["component"]["version"] == sha
    assert docker.calls[:1] == [["build", "--platform", "linux/amd64", "--file", "backend-flask/Dockerfile.prod",
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


class PushingImages(FakeImages):
    """FakeImages that also tags and pushes: a push stores a small image manifest in `registry` under the
    pushed tag, which is what the registry holds after a real push, as far as push reads it back."""

    def __init__(self, references, registry):
        super().__init__(references)
        self.registry = registry

    def __call__(self, argv, **kwargs):
        if argv[:2] == ["docker", "tag"]:
            self.calls.append(argv[1:])
            return self._answer(argv)
        if argv[:2] == ["docker", "push"]:
            self.calls.append(argv[1:])
            _, repository, tag, _ = images.parse_reference(argv[2])
            self.registry.push_artifact(repository, [tag], "application/vnd.oci.image.config.v1+json",
                                        [Layer("application/vnd.oci.image.layer.v1.tar", f"layer of {tag}".encode())])
            return self._answer(argv)
        return super().__call__(argv, **kwargs)


@pytest.fixture
def local_registry(tmp_path):
    server = LocalRegistry.start(tmp_path / "registry")
    yield server
    server.stop()


def test_push_to_a_local_registry_records_the_digest_and_attaches_the_sbom(cli, checkout, local_registry):
    root, sha = checkout
    (root / "notes.txt").write_text("untracked")
    registry = HttpRegistry(local_registry.address)
    docker = PushingImages({f"backend-flask:{sha}"}, registry)
    result = cli(["push", "backend-flask", "--allow-dirty", "--no-sign"], root=root,
                 environ={"ECR_REGISTRY": local_registry.address}, subprocess_run=docker,
                 aws=Aws(REGION, endpoint_url="http://127.0.0.1:9"))
    digest = registry.digest("backend-flask", sha)
    assert (result.code, result.stdout) == (0, f"{local_registry.address}/backend-flask:{sha}\n"
                                               f"{local_registry.address}/backend-flask@{digest}\n"
                                               f"sbom: backend-flask:{sbom.artifact_tag(digest)}\n")
    assert result.stderr == ("warning: pushing from a dirty tree: the commit tag does not describe the uncommitted "
                             f"changes\nwarning: --no-sign: backend-flask@{digest} is not signed; verify and deploy "
                             "will refuse it unless --allow-unsigned\n")
    assert [call for call in docker.calls if call[0] in ("tag", "push")] == [
        ["tag", f"backend-flask:{sha}", f"{local_registry.address}/backend-flask:{sha}"],
        ["push", f"{local_registry.address}/backend-flask:{sha}"]]
    kept = registry.manifest("backend-flask", sbom.artifact_tag(digest))
    document = sbom.stored(registry, "backend-flask", digest, kept["layers"][0]["digest"])
    assert document["metadata"]["component"]["version"] == sha
    assert "flask" in {c["name"].lower() for c in document["components"]}


def test_push_to_ecr_signs_the_digest_and_never_pushes_a_tag_twice(cli, checkout, aws, moto_server):
    root, sha = checkout
    create_signing_key(aws)
    aws.ecr.create_repository(repositoryName="backend-flask", imageTagMutability="IMMUTABLE")
    address = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com"
    registry = EcrRegistry(aws.ecr, address)
    docker = PushingImages({f"backend-flask:{sha}"}, registry)
    first = cli(["push", "backend-flask"], root=root, environ={}, subprocess_run=docker, aws=aws)
    digest = registry.digest("backend-flask", sha)
    assert (first.code, first.stderr) == (0, "")
    assert first.stdout == (f"{address}/backend-flask:{sha}\n{address}/backend-flask@{digest}\n"
                            f"sbom: backend-flask:{sbom.artifact_tag(digest)}\n"
                            f"signature: backend-flask@{digest} signed by {SIGNING_KEY} as backend-flask:{sha}.sig "
                            f"and backend-flask:{signing.signature_tag(digest)}\n")
    verdict = signing.verify_release(aws.kms, [SIGNING_KEY], registry, "backend-flask", sha, digest)
    assert verdict.ok and verdict.optional["tag"] == sha
    assert sbom.stored(registry, "backend-flask", digest, verdict.optional["sbom"]) is not None
    moto_server.publish_scan("backend-flask", digest)
    assert cli(["trust", "backend-flask"], root=root, environ={}, aws=aws).code == 0

    docker.calls.clear()
    again = cli(["push", "backend-flask"], root=root, environ={}, subprocess_run=docker, aws=aws)
    assert again.code == 0
    assert again.stderr == (f"warning: {address}/backend-flask:{sha} already exists (tags are immutable); "
                            "not pushed again\n")
    assert again.stdout.endswith(f"signature: backend-flask:{sha}.sig already signed by {SIGNING_KEY}\n")
    assert [call[0] for call in docker.calls if call[0] in ("tag", "push")] == []


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
