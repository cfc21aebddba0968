"""A docker CLI stand-in that holds one image as a folder tree: `image inspect`, `create`, `cp` and `rm`
answer from it the way the real CLI does; every other command (git, python, node) runs for real."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
IMAGE_TREE = FIXTURES / "sbom" / "image"
VENV_PATH = "PATH=/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


class FakeImages:
    def __init__(self, references, tree: Path = IMAGE_TREE, image_id: str = "sha256:" + "ab" * 32,
                 env=(VENV_PATH,)):
        self.references, self.tree, self.image_id, self.env = set(references), tree, image_id, list(env)
        self.calls: list[list[str]] = []
        self.containers: set[str] = set()

    def _answer(self, argv, code=0, stdout="", stderr=""):
        return subprocess.CompletedProcess(argv, code, stdout, stderr)

    def __call__(self, argv, **kwargs):
        if argv[0] != "docker":
            return subprocess.run(argv, **kwargs)
        args = argv[1:]
        self.calls.append(args)
        if args[:2] == ["image", "inspect"]:
            if args[-1] not in self.references:
                return self._answer(argv, 1, "[]\n", f"Error response from daemon: No such image: {args[-1]}\n")
            config = {"Id": self.image_id, "RepoTags": [args[-1]], "Architecture": "amd64", "Os": "linux",
                      "Config": {"Env": self.env}}
            return self._answer(argv, stdout=json.dumps(config) + "\n")
        if args[0] == "create":
            container = f"c{len(self.calls):063d}"
            self.containers.add(container)
            return self._answer(argv, stdout=container + "\n")
        if args[0] == "cp":
            container, _, source = args[-2].partition(":")
            found = self.tree / source.lstrip("/")
            if container not in self.containers or not found.exists():
                return self._answer(argv, 1, stderr=f"Error response from daemon: Could not find the file {source} "
                                                    f"in container {container}\n")
            copy = shutil.copytree if found.is_dir() else shutil.copyfile
            copy(found, args[-1])
            return self._answer(argv)
        if args[:2] == ["rm", "-f"]:
            self.containers.discard(args[2])
            return self._answer(argv, stdout=args[2] + "\n")
        if args[0] == "build":
            return self._answer(argv)
        raise AssertionError(f"unexpected docker call: {args}")
