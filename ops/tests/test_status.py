"""status: the service as ECS reports it (scripted ECS: moto services have no deployments or events)."""
import json

from cruddur_ops.registry import digest_of
from tests.conftest import PREVIOUS_TAG, image_manifest


def test_status_shows_definition_counts_deployments_and_events(rollout, cli):
    rollout.existing_service()
    result = cli(["status", "backend-flask", "--events", "2"], aws=rollout.aws, environ={})
    assert (result.code, result.stderr) == (0, "")
    deployment = rollout.fake.service()["deployments"][0]["id"]
    digest = digest_of(image_manifest(PREVIOUS_TAG).encode())
    assert result.stdout == f"""\
backend-flask (cluster cruddur-staging): cruddur-staging-backend-flask:1, desired 1, running 1, pending 0
image backend-flask: {rollout.env['ECR_REGISTRY']}/backend-flask@{digest} (tag {PREVIOUS_TAG})
STATUS   DEPLOYMENT        TASK DEFINITION                  ROLLOUT    DESIRED  RUNNING  PENDING  FAILED
PRIMARY  {deployment}  cruddur-staging-backend-flask:1  COMPLETED  1        1        0        0
events:
  2026-11-29T12:00:10Z (service backend-flask) has started 1 tasks: (task 1004).
  2026-11-29T12:00:40Z (service backend-flask) has reached a steady state.
"""


def test_status_as_json(rollout, cli):
    rollout.existing_service()
    result = cli(["status", "backend-flask", "--output", "json"], aws=rollout.aws, environ={})
    document = json.loads(result.stdout)
    assert (document["runningCount"], document["deployments"][0]["rolloutState"]) == (1, "COMPLETED")
    assert document["images"][0]["tag"] == PREVIOUS_TAG and "@sha256:" in document["images"][0]["image"]


def test_status_of_a_missing_service_is_one_line(aws, cli):
    aws.ecs.create_cluster(clusterName="cruddur-staging")
    result = cli(["status", "backend-flask"], aws=aws, environ={})
    assert (result.code, result.stdout, result.stderr) == \
        (1, "", "error: service backend-flask not found in cluster cruddur-staging\n")
