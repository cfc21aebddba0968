"""The registry's lifecycle policy against repositories of releases (image, signature, SBOM per release).

Neither moto nor any local tool evaluates ECR lifecycle policies (moto's CloudFormation even drops them), so
`expired` below acts out the evaluation rules AWS documents ("Lifecycle policy evaluation rules", ECR user
guide): every rule is evaluated over every image at once; a count rule keeps the newest `countNumber` of
the images it selects and marks the rest; an image whose tags match a higher-priority rule is never expired
by a lower one; tagPatternList selects an image when every pattern matches one of its tags. The tests then
say what each repository keeps. moto's own policy validator checks that ECR would accept the text.
"""
from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from moto.ecr.policy_validation import EcrLifecyclePolicyValidator

from cruddur_ops import cfn_template

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = cfn_template.load(ROOT / "aws/cfn/registry/template.yaml")
POLICY = json.loads(REGISTRY["Mappings"]["Lifecycle"]["Images"]["Policy"])
DAY = 86400


@dataclass(frozen=True)
class Pushed:
    name: str
    tags: tuple[str, ...]
    pushed_at: float


def _selects(selection: dict, image: Pushed) -> bool:
    status = selection["tagStatus"]
    if status == "any":
        return True
    if status == "untagged":
        return not image.tags
    if not image.tags:
        return False
    if "tagPatternList" in selection:
        return all(any(fnmatch.fnmatchcase(t, p) for t in image.tags) for p in selection["tagPatternList"])
    return all(any(t.startswith(p) for t in image.tags) for p in selection["tagPrefixList"])


def _marks(selection: dict, selected: list[Pushed], now: float) -> list[Pushed]:
    if selection["countType"] == "imageCountMoreThan":
        return sorted(selected, key=lambda i: i.pushed_at, reverse=True)[selection["countNumber"]:]
    assert selection["countUnit"] == "days"
    return [i for i in selected if now - i.pushed_at > selection["countNumber"] * DAY]


def expired(policy: dict, images: list[Pushed], now: float) -> set[str]:
    gone: set[str] = set()
    protected: set[str] = set()  # matched the tags of a higher-priority rule
    for rule in sorted(policy["rules"], key=lambda r: r["rulePriority"]):
        selected = [i for i in images if _selects(rule["selection"], i)]
        gone |= {i.name for i in _marks(rule["selection"], selected, now) if i.name not in protected}
        protected |= {i.name for i in selected}
    return gone


def release(n: int, pushed_at: float, *, signed=True, sbom=True) -> list[Pushed]:
    """Release n as push and sign leave it: the image, then its signature, then its SBOM."""
    commit, digest = f"{n:012x}", f"{n:064x}"
    objects = [Pushed(f"image-{n}", (commit,), pushed_at)]
    if signed:
        objects.append(Pushed(f"sig-{n}", (f"sha256-{digest}.sig", f"{commit}.sig"), pushed_at + 1))
    if sbom:
        objects.append(Pushed(f"sbom-{n}", (f"sha256-{digest}.sbom",), pushed_at + 2))
    return objects


def releases(count: int, **kwargs) -> list[Pushed]:
    return [o for n in range(1, count + 1) for o in release(n, n * 100.0, **kwargs)]


def _kept_releases(images: list[Pushed], now: float = 100 * DAY) -> dict[str, set[int]]:
    """For each kind (image, sig, sbom), the release numbers whose object survives."""
    gone = expired(POLICY, images, now)
    kept: dict[str, set[int]] = {"image": set(), "sig": set(), "sbom": set()}
    for image in images:
        kind, _, n = image.name.partition("-")
        if kind in kept and image.name not in gone:
            kept[kind].add(int(n))
    return kept


def test_ecr_accepts_the_policy_text():
    EcrLifecyclePolicyValidator(json.dumps(POLICY)).validate()


def test_the_newest_30_releases_keep_image_signature_and_sbom():
    kept = _kept_releases(releases(45))
    newest = set(range(16, 46))
    assert kept == {"image": newest, "sig": newest, "sbom": newest}


def test_a_release_in_the_middle_of_its_push_does_not_cost_the_30th_its_image():
    images = releases(40) + release(41, 41 * 100.0, signed=False, sbom=False)
    kept = _kept_releases(images)
    assert kept["image"] >= set(range(11, 42))
    assert kept["sig"] == kept["sbom"] == set(range(11, 41))


def test_images_pushed_before_signing_are_kept_as_far_back_as_the_count_reaches():
    legacy = [Pushed(f"image-{n}", (f"{n:012x}",), n * 100.0) for n in range(1, 71)]
    signed = [o for n in range(71, 81) for o in release(n, n * 100.0)]
    kept = _kept_releases(legacy + signed)
    assert kept["image"] == set(range(9, 81))  # 92 tagged objects: 30 of the 10 releases, 62 legacy images
    assert kept["sig"] == kept["sbom"] == set(range(71, 81))


def test_a_single_keep_30_rule_over_everything_would_keep_only_10_releases():
    """Why the policy has four rules: the count of a rule includes the artifacts."""
    naive = {"rules": [{"rulePriority": 1, "selection": {"tagStatus": "any", "countType": "imageCountMoreThan",
                                                         "countNumber": 30}, "action": {"type": "expire"}}]}
    images = releases(45)
    gone = expired(naive, images, 100 * DAY)
    assert {int(i.name.split("-")[1]) for i in images if i.name.startswith("image-") and i.name not in gone} == \
        set(range(36, 46))


@pytest.mark.parametrize("age_days, expires", [(6, False), (8, True)])
def test_untagged_leftovers_expire_after_7_days_and_never_count_against_releases(age_days, expires):
    now = 100 * DAY
    leftover = Pushed("leftover", (), now - age_days * DAY)
    images = [*releases(30), leftover]
    assert ("leftover" in expired(POLICY, images, now)) is expires
    assert _kept_releases(images, now)["image"] == set(range(1, 31))


def test_both_repositories_use_the_policy_and_keep_tags_immutable():
    for name in ("BackendRepository", "FrontendRepository"):
        properties = REGISTRY["Resources"][name]["Properties"]
        assert properties["ImageTagMutability"] == "IMMUTABLE", name
        assert properties["LifecyclePolicy"]["LifecyclePolicyText"] == \
            {"Fn::FindInMap": ["Lifecycle", "Images", "Policy"]}, name
