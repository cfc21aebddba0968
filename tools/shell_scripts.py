"""Print every shell script in the repository, found by its shebang: what `make lint-shell` hands to shellcheck.

The doors under bin/ have no extension, so a list by name would miss the next one added; reading the first line
of every tracked file does not. A file under bin/ that is not a shell script (a Python door, a missing shebang)
would escape shellcheck, so it fails the run by name instead.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHEBANG = re.compile(rb"#!\s*/(?:usr/)?bin/(?:env\s+)?(?:ba|da)?sh\b")


def tracked_files(root: Path) -> list[Path]:
    listing = subprocess.run(["git", "-C", str(root), "ls-files", "-z"], capture_output=True, check=True).stdout
    return [root / name for name in listing.decode().split("\0") if name and (root / name).is_file()]


def is_shell_script(path: Path) -> bool:
    with path.open("rb") as f:
        return bool(SHEBANG.match(f.readline()))


def main(root: Path = ROOT) -> int:
    files = tracked_files(root)
    scripts = [p for p in files if is_shell_script(p)]
    escaped = [p for p in files if p.relative_to(root).parts[0] == "bin" and p not in scripts]
    if escaped:
        for path in escaped:
            print(f"{path.relative_to(root)}: not a shell script (no sh/bash shebang), so shellcheck would skip it",
                  file=sys.stderr)
        return 1
    print("\n".join(str(p.relative_to(root)) for p in scripts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
