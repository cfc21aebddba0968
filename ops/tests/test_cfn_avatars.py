"""The avatars stack, read as a template (the emulator cannot make CloudFront or bucket policies): uploads
only from the web app's origin and gone within a day, avatars readable by their distribution alone and
cached for a year, and the API's task role allowed exactly what cruddur/avatars_store.py calls, on
exactly these buckets."""
from __future__ import annotations

from pathlib import Path

from cruddur_ops import cfn_template

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = cfn_template.load(ROOT / "aws/cfn/avatars/template.yaml")
RESOURCES = TEMPLATE["Resources"]
YEAR = 365 * 24 * 3600
ALL_BLOCKED = {"BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True,
               "RestrictPublicBuckets": True}


def _properties(logical_id: str) -> dict:
    return RESOURCES[logical_id]["Properties"]


def _bucket_name(logical_id: str) -> str:
    return cfn_template.resolve(_properties(logical_id)["BucketName"], TEMPLATE)


def _allows(policy_id: str) -> list[dict]:
    return [s for s in _properties(policy_id)["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"]


def test_both_buckets_block_every_public_access_and_refuse_acls():
    for bucket in ("UploadsBucket", "AvatarsBucket"):
        assert _properties(bucket)["PublicAccessBlockConfiguration"] == ALL_BLOCKED, bucket
        assert _properties(bucket)["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]


def test_uploads_come_from_the_web_apps_origin_by_post_only_and_last_a_day():
    [rule] = _properties("UploadsBucket")["CorsConfiguration"]["CorsRules"]
    assert rule["AllowedMethods"] == ["POST"]
    assert rule["AllowedOrigins"] == [{"Fn::ImportValue": {"Fn::Sub": "cruddur-${Environment}-dns-FrontendUrl"}}]
    [lifecycle] = _properties("UploadsBucket")["LifecycleConfiguration"]["Rules"]
    assert (lifecycle["Status"], lifecycle["ExpirationInDays"], lifecycle["NoncurrentVersionExpiration"]) == \
        ("Enabled", 1, {"NoncurrentDays": 1})
    assert _allows("UploadsBucketPolicy") == [], "the bucket policy grants nobody anything; the task role's does"


def test_only_this_distribution_reads_the_avatars_through_origin_access_control():
    [allow] = _allows("AvatarsBucketPolicy")
    assert (allow["Principal"], allow["Action"]) == ({"Service": "cloudfront.amazonaws.com"}, "s3:GetObject")
    assert allow["Condition"]["StringEquals"]["AWS:SourceArn"] == \
        {"Fn::Sub": "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Distribution}"}
    [origin] = _properties("Distribution")["DistributionConfig"]["Origins"]
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": ["OriginAccessControl", "Id"]}
    assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}, "no legacy origin access identity"
    assert _properties("OriginAccessControl")["OriginAccessControlConfig"]["SigningBehavior"] == "always"


def test_avatars_are_cached_for_a_year_over_https_and_keyed_by_path_alone():
    behaviour = _properties("Distribution")["DistributionConfig"]["DefaultCacheBehavior"]
    assert (behaviour["ViewerProtocolPolicy"], behaviour["AllowedMethods"]) == ("redirect-to-https", ["GET", "HEAD"])
    config = _properties("CachePolicy")["CachePolicyConfig"]
    assert (config["DefaultTTL"], config["MaxTTL"]) == (YEAR, YEAR)
    key = config["ParametersInCacheKeyAndForwardedToOrigin"]
    assert (key["CookiesConfig"], key["HeadersConfig"], key["QueryStringsConfig"]) == (
        {"CookieBehavior": "none"}, {"HeaderBehavior": "none"}, {"QueryStringBehavior": "none"})


def test_the_task_role_may_do_what_the_api_calls_on_these_two_buckets_and_nothing_else():
    iam = cfn_template.load(ROOT / "aws/cfn/iam/template.yaml")
    policy = cfn_template.identity_policies(iam)["BackendTaskRole/cruddur-avatars"]
    uploads, avatars = _bucket_name("UploadsBucket"), _bucket_name("AvatarsBucket")
    granted = sorted((tuple(sorted([s["Action"]] if isinstance(s["Action"], str) else s["Action"])), s["Resource"])
                     for s in policy["Statement"])
    assert granted == sorted([
        (("s3:DeleteObject", "s3:GetObject", "s3:PutObject"), f"arn:aws:s3:::{uploads}/*"),
        (("s3:ListBucket",), f"arn:aws:s3:::{uploads}"),
        (("s3:PutObject",), f"arn:aws:s3:::{avatars}/*"),
    ])
