"""aws/ops.toml as the commands read it: the repository's own file, and the values it refuses."""
import shutil

import pytest

from cruddur_ops import config
from cruddur_ops.errors import OpsError


def test_the_repository_config_names_the_release_keys_and_a_revision_budget(repo_root):
    loaded = config.load(repo_root, {})
    assert loaded.signing_keys == ["alias/cruddur-release-signing"]
    assert loaded.keep_revisions == 10


@pytest.mark.parametrize("value", ["-1", "1.5", "true", '"10"'])
def test_keep_revisions_must_be_a_whole_number(tmp_path, repo_root, value):
    shutil.copytree(repo_root / "aws", tmp_path / "aws")
    path = tmp_path / "aws/ops.toml"
    path.write_text(path.read_text().replace("keep_revisions = 10", f"keep_revisions = {value}"))
    with pytest.raises(OpsError) as refused:
        config.load(tmp_path, {})
    assert str(refused.value) == f"{path}: keep_revisions must be a whole number, 0 or more"
