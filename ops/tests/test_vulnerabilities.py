"""The exceptions file both vulnerability gates read: loading, refusing malformed entries, matching."""
from datetime import date

import pytest

from cruddur_ops.errors import OpsError
from cruddur_ops.vulnerabilities import VulnerabilityException, load_exceptions, match

ENTRY = '[[exception]]\nfinding = "GHSA-xvch-5gv4-984h"\npackage = "minimist"\nreason = "r"\nexpires = 2027-01-31\n'


def write(tmp_path, text):
    path = tmp_path / "vulnerability-exceptions.toml"
    path.write_text(text)
    return path


def test_the_repository_file_loads_and_holds_no_entry(repo_root):
    assert load_exceptions(repo_root / "aws" / "vulnerability-exceptions.toml") == []


def test_entries_load_with_their_dates(tmp_path):
    path = write(tmp_path, "# reviewed\n" + ENTRY)
    assert load_exceptions(path) == [VulnerabilityException("GHSA-xvch-5gv4-984h", "minimist", "r", date(2027, 1, 31))]


@pytest.mark.parametrize("text, message", [
    ('[[exception]]\nfinding = "X"\npackage = "p"\nreason = "r"\n',
     "[[exception]] #1: field 'expires' is missing"),
    (ENTRY + '[[exception]]\nfinding = "X"\npackage = "p"\nreason = "r"\nexpires = "2027-01-31"\n',
     "[[exception]] #2: field 'expires' must be a TOML date like 2027-01-31, not '2027-01-31'"),
    ('[[exception]]\nfinding = "X"\npackage = "p"\nreason = "r"\nexpires = 2027-01-31T10:00:00\n',
     "[[exception]] #1: field 'expires' must be a TOML date like 2027-01-31, "
     "not datetime.datetime(2027, 1, 31, 10, 0)"),
    ('[[exception]]\nfinding = "X"\npackage = "p"\nreason = " "\nexpires = 2027-01-31\n',
     "[[exception]] #1: field 'reason' must be a non-empty string"),
    ('[[exception]]\nfinding = 12345\npackage = "p"\nreason = "r"\nexpires = 2027-01-31\n',
     "[[exception]] #1: field 'finding' must be a non-empty string"),
    ('[[exception]]\nfinding = "X"\npackage = "p"\nreason = "r"\nexpiry = 2027-01-31\nexpires = 2027-01-31\n',
     "[[exception]] #1: unknown field 'expiry' (fields: finding, package, reason, expires)"),
    (ENTRY + ENTRY.replace("minimist", "MiniMist"),
     "[[exception]] #2: repeats #1 (GHSA-xvch-5gv4-984h in MiniMist)"),
    ('[exception]\nfinding = "X"\n', "'exception' must be an array of tables ([[exception]])"),
    ('[[exceptions]]\nfinding = "X"\n', "unknown key 'exceptions'; entries are [[exception]] tables"),
    ('[[exception]]\nfinding = "X\n', "Illegal character '\\n' (at line 2, column 13)"),
])
def test_a_malformed_file_is_refused_naming_entry_and_field(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(OpsError) as error:
        load_exceptions(path)
    assert str(error.value) == f"{path}: {message}"


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(OpsError, match="exceptions file missing"):
        load_exceptions(tmp_path / "nowhere.toml")


@pytest.mark.parametrize("finding, package, today, expected", [
    ("GHSA-xvch-5gv4-984h", "minimist", date(2027, 1, 31), (0, False)),   # holds through its last day
    ("ghsa-XVCH-5gv4-984h", "Minimist", date(2026, 12, 1), (0, False)),   # ids and names compare loosely
    ("GHSA-xvch-5gv4-984h", "minimist", date(2027, 2, 1), (0, True)),     # the day after: expired
    ("CVE-2021-44906", "minimist", date(2026, 12, 1), (None, False)),     # another id
    ("GHSA-xvch-5gv4-984h", "yargs", date(2026, 12, 1), (None, False)),   # the same id, another package
    ("PYSEC-2021-108", "python_jose", date(2026, 12, 1), (1, False)),     # PEP 503: _ - . alike
])
def test_match_finds_the_entry_and_says_whether_it_expired(finding, package, today, expected):
    exceptions = [VulnerabilityException("GHSA-xvch-5gv4-984h", "minimist", "r", date(2027, 1, 31)),
                  VulnerabilityException("PYSEC-2021-108", "python-jose", "r", date(2027, 1, 31))]
    entry, expired = match(exceptions, finding, package, today)
    index, want_expired = expected
    assert (entry, expired) == (None if index is None else exceptions[index], want_expired)
