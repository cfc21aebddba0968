"""diff: local files against the live task definition (moto server) and service (scripted ECS, which
keeps every field CreateService was given; moto drops deploymentConfiguration)."""
from cruddur_ops.registry import digest_of
from tests.conftest import PREVIOUS_TAG, image_manifest


def diff(rollout, cli, *flags):
    return cli(["diff", "backend-flask", *flags], aws=rollout.aws, environ=rollout.env)


def test_no_changes_exits_0(rollout, cli):
    rollout.existing_service()
    result = diff(rollout, cli, "--image-tag", PREVIOUS_TAG)
    assert (result.code, result.stdout, result.stderr) == (0, "no changes\n", "")


def test_a_new_image_and_desired_count_show_as_a_unified_diff_and_exit_2(rollout, cli):
    """The images compare by digest (what ECS pulls), with the commit tag beside them for people."""
    rollout.existing_service()
    rollout.fake.service()["desiredCount"] = 3
    result = diff(rollout, cli)
    assert result.code == 2
    registry = rollout.env["ECR_REGISTRY"]
    old, new = (digest_of(image_manifest(tag).encode()) for tag in (PREVIOUS_TAG, "0123456789ab"))
    assert result.stdout == f"""\
--- live task definition cruddur-staging-backend-flask:1
+++ local aws/task-definitions/backend-flask.json
@@ -3,7 +3,7 @@
     {{
       "cpu": 0,
       "dockerLabels": {{
-        "cruddur.image.tag": "{PREVIOUS_TAG}"
+        "cruddur.image.tag": "0123456789ab"
       }},
       "environment": [
         {{
@@ -79,7 +79,7 @@
         "startPeriod": 60,
         "timeout": 5
       }},
-      "image": "{registry}/backend-flask@{old}",
+      "image": "{registry}/backend-flask@{new}",
       "linuxParameters": {{
         "capabilities": {{
           "drop": [
--- live service cruddur-staging/backend-flask
+++ local aws/json/service-backend-flask.json
@@ -19,7 +19,7 @@
   "deploymentController": {{
     "type": "ECS"
   }},
-  "desiredCount": 3,
+  "desiredCount": 1,
   "enableECSManagedTags": true,
   "enableExecuteCommand": true,
   "healthCheckGracePeriodSeconds": 120,
"""


def test_secret_looking_values_are_masked_in_the_diff(rollout, cli, aws):
    rollout.existing_service()
    live = aws.ecs.describe_task_definition(taskDefinition="cruddur-staging-backend-flask")["taskDefinition"]
    live["containerDefinitions"][0]["environment"].append({"name": "DB_PASSWORD", "value": "hunter2"})
    allowed = {"family", "taskRoleArn", "executionRoleArn", "networkMode", "containerDefinitions", "volumes",
               "requiresCompatibilities", "cpu", "memory", "runtimePlatform"}
    aws.ecs.register_task_definition(**{k: v for k, v in live.items() if k in allowed})
    rollout.fake.service()["taskDefinition"] = rollout.fake.service()["taskDefinition"][:-1] + "2"
    result = diff(rollout, cli, "--image-tag", PREVIOUS_TAG)
    assert result.code == 2
    assert "hunter2" not in result.stdout
    assert '-          "name": "DB_PASSWORD",\n-          "value": "********"\n' in result.stdout


def test_a_missing_service_is_a_change(rollout, cli):
    result = diff(rollout, cli)
    assert result.code == 2
    assert "--- live service (none)\n+++ local aws/json/service-backend-flask.json\n" in result.stdout
