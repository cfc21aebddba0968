"""register: a new revision only when the definition changed (task definitions in the moto server)."""
import json

from tests.conftest import put_image, put_release, var_flags


def test_register_then_skip_an_identical_definition(cli, aws, world, moto_server):
    put_release(aws, moto_server, "backend-flask", "fedcba987654")
    first = cli(["register", "backend-flask", *var_flags(world)], aws=aws, environ={})
    assert (first.code, first.stdout, first.stderr) == (0, "registered cruddur-staging-backend-flask:1\n", "")
    again = cli(["register", "backend-flask", *var_flags(world)], aws=aws, environ={})
    assert (again.code, again.stdout) == \
        (0, "unchanged: cruddur-staging-backend-flask:1 already holds this definition\n")
    changed = cli(["register", "backend-flask", *var_flags({**world, "IMAGE_TAG": "fedcba987654"})],
                  aws=aws, environ={})
    assert (changed.code, changed.stdout) == (0, "registered cruddur-staging-backend-flask:2\n")
    revisions = aws.ecs.list_task_definitions(familyPrefix="cruddur-staging-backend-flask")["taskDefinitionArns"]
    assert [arn.rsplit(":", 1)[-1] for arn in revisions] == ["1", "2"]


def test_register_dry_run_prints_the_input_and_registers_nothing(cli, aws, world):
    result = cli(["register", "frontend-react-js", "--dry-run", *var_flags(world)], aws=aws, environ={})
    assert result.code == 0
    assert json.loads(result.stdout)["family"] == "cruddur-staging-frontend-react-js"
    assert aws.ecs.list_task_definitions(familyPrefix="cruddur-staging-frontend-react-js")["taskDefinitionArns"] == []


def test_register_as_json(cli, aws, world):
    result = cli(["register", "backend-flask", "--output", "json", *var_flags(world)], aws=aws, environ={})
    document = json.loads(result.stdout)
    assert document["changed"] is True
    assert document["taskDefinitionArn"].endswith(":task-definition/cruddur-staging-backend-flask:1")


def test_register_names_the_image_by_the_digest_its_tag_was_signed_for(cli, aws, world):
    cli(["register", "backend-flask", *var_flags(world)], aws=aws, environ={})
    registered = aws.ecs.describe_task_definition(taskDefinition="cruddur-staging-backend-flask")["taskDefinition"]
    container = registered["containerDefinitions"][0]
    digest = aws.ecr.describe_images(repositoryName="backend-flask", imageIds=[
        {"imageTag": world["IMAGE_TAG"]}])["imageDetails"][0]["imageDigest"]
    assert container["image"] == f"{world['ECR_REGISTRY']}/backend-flask@{digest}"
    assert container["dockerLabels"] == {"cruddur.image.tag": world["IMAGE_TAG"]}


def test_register_refuses_an_unsigned_image_and_registers_nothing(cli, aws, world):
    put_image(aws, "backend-flask", "0000000000aa")
    result = cli(["register", "backend-flask", *var_flags({**world, "IMAGE_TAG": "0000000000aa"})],
                 aws=aws, environ={})
    assert result.code == 8
    assert result.stderr == ("error: release refused (1 NG: signature backend-flask:0000000000aa.sig: release "
                             "0000000000aa is not signed (no backend-flask:0000000000aa.sig)); nothing was changed\n")
    assert aws.ecs.list_task_definitions(familyPrefix="cruddur-staging-backend-flask")["taskDefinitionArns"] == []
