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


def test_each_environment_file_names_its_environment_and_its_database(repo_root):
    for name in ("staging", "prod"):
        loaded = config.load(repo_root, {}, name)
        assert (loaded.environment.name, loaded.cluster, loaded.database.instance, loaded.region) == \
            (name, f"cruddur-{name}", f"cruddur-{name}-db", "us-east-1")
    assert config.load(repo_root, {}).environment.name == "staging"  # aws/ops.toml's default


@pytest.mark.parametrize("text, refusal", [
    ('domain = "x"\n', "unknown key domain (region, [stacks.<stack>], [placeholders])"),
    ("[placeholders]\nBACKEND_FLASK_DESIRED_COUNT = 1.5\n", "placeholders.BACKEND_FLASK_DESIRED_COUNT must be a "
                                                             "string or a whole number"),
    ("stacks = 3\n", "stacks must be a table"),
])
def test_an_environment_file_says_only_what_the_loader_reads(tmp_path, repo_root, text, refusal):
    shutil.copytree(repo_root / "aws", tmp_path / "aws")
    path = tmp_path / "aws/environments/qa.toml"
    path.write_text(text)
    with pytest.raises(OpsError) as refused:
        config.load(tmp_path, {}, "qa")
    assert str(refused.value) == f"{path}: {refusal}"
