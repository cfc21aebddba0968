"""render: placeholders from flags, environment and stack outputs; the botocore model as the judge."""
import json
import shutil

import pytest

from cruddur_ops.aws import Aws
from tests.conftest import ACCOUNT, REGION, STACK_VALUES, var_flags

# Rendering with every value given makes no AWS call: an endpoint nothing listens on proves it.
NO_AWS = Aws(REGION, endpoint_url="http://127.0.0.1:9")


@pytest.fixture
def tree(tmp_path, repo_root):
    """A copy of the repository's aws/ files that a test may break."""
    shutil.copytree(repo_root / "aws", tmp_path / "aws")
    return tmp_path


def edit(path, change):
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document))


def test_render_fills_every_placeholder_and_splits_list_values(cli):
    result = cli(["render", "backend-flask", *var_flags(STACK_VALUES)], aws=NO_AWS, environ={})
    assert (result.code, result.stderr) == (0, "")
    rendered = json.loads(result.stdout)
    container = rendered["taskDefinition"]["containerDefinitions"][0]
    assert container["image"] == f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/backend-flask:0123456789ab"
    assert container["secrets"] == [{"name": "CONNECTION_URL", "valueFrom":
                                     f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/cruddur/staging/backend-flask/CONNECTION_URL"}]
    vpc = rendered["service"]["networkConfiguration"]["awsvpcConfiguration"]
    assert vpc["subnets"] == ["subnet-0aaa", "subnet-0bbb"]
    assert "${" not in result.stdout


def test_flags_win_over_environment(cli):
    environ = {**STACK_VALUES, "IMAGE_TAG": "from-environ"}
    result = cli(["render", "--service", "frontend-react-js", "--var", "IMAGE_TAG=from-flag"],
                 aws=NO_AWS, environ=environ)
    assert result.code == 0, result.stderr
    image = json.loads(result.stdout)["taskDefinition"]["containerDefinitions"][0]["image"]
    assert image.endswith("/frontend-react-js:from-flag")


def test_missing_variables_stop_with_their_names_and_file(cli, aws):
    # None of the default stacks (aws/ops.toml) is deployed in this account: they are skipped.
    values = {k: v for k, v in STACK_VALUES.items() if k not in ("EXECUTION_ROLE_ARN", "BACKEND_URL")}
    result = cli(["render", "backend-flask"], aws=aws, environ=values)
    assert (result.code, result.stdout) == (1, "")
    assert result.stderr == ("error: aws/task-definitions/backend-flask.json: ${EXECUTION_ROLE_ARN}, ${BACKEND_URL} "
                             "not set (pass --var NAME=VALUE, set it in the environment, or deploy the stack that "
                             "outputs it)\n")


def test_a_stack_named_on_the_command_line_must_exist(cli, aws):
    result = cli(["render", "backend-flask", "--stack", "cruddur-nope"], aws=aws, environ={})
    assert (result.code, result.stderr) == (1, "error: stack cruddur-nope: Stack with id cruddur-nope does not exist\n")


@pytest.mark.parametrize("change, message", [
    (lambda d: d["containerDefinitions"][0].update(helthCheck={}),
     "containerDefinitions[0].helthCheck: unknown key for RegisterTaskDefinition"),
    (lambda d: d["containerDefinitions"][0]["portMappings"][0].update(containerPort="4567"),
     "containerDefinitions[0].portMappings[0].containerPort: expected integer, got str"),
    (lambda d: d.update(networkMode="overlay"),
     "networkMode: 'overlay' is not one of bridge, host, awsvpc, none"),
    (lambda d: d.pop("family"), 'Missing required parameter in input: "family"'),
    (lambda d: d["containerDefinitions"][0]["environment"].append({"name": "DB_PASSWORD", "value": "x"}),
     "containerDefinitions[0].environment DB_PASSWORD: looks like a secret; move it to `secrets` as an SSM "
     "parameter ARN"),
    (lambda d: d["containerDefinitions"][0]["environment"].append(
        {"name": "DATABASE", "value": "postgresql://cruddur:hunter2@db/cruddur"}),
     "containerDefinitions[0].environment DATABASE: looks like a secret; move it to `secrets` as an SSM "
     "parameter ARN"),
    (lambda d: d["containerDefinitions"][0]["secrets"][0].update(valueFrom="postgresql://plain"),
     "containerDefinitions[0].secrets CONNECTION_URL: valueFrom must be an SSM parameter or Secrets Manager ARN"),
])
def test_bad_task_definitions_are_refused_with_their_json_path(cli, tree, change, message):
    edit(tree / "aws/task-definitions/backend-flask.json", change)
    result = cli(["render", "backend-flask"], aws=NO_AWS, environ=STACK_VALUES, root=tree)
    assert (result.code, result.stdout) == (1, "")
    assert result.stderr == f"error: aws/task-definitions/backend-flask.json: {message}\n"


def test_read_only_keys_are_stripped_with_a_warning(cli, tree):
    edit(tree / "aws/task-definitions/backend-flask.json", lambda d: d.update(revision=7, status="ACTIVE"))
    result = cli(["render", "backend-flask"], aws=NO_AWS, environ=STACK_VALUES, root=tree)
    assert result.code == 0
    assert result.stderr == (
        "warning: aws/task-definitions/backend-flask.json: revision is read-only (ECS sets it); ignored\n"
        "warning: aws/task-definitions/backend-flask.json: status is read-only (ECS sets it); ignored\n")
    assert "revision" not in json.loads(result.stdout)["taskDefinition"]


def test_unknown_service_key_is_refused(cli, tree):
    edit(tree / "aws/json/service-backend-flask.json", lambda d: d["deploymentConfiguration"].update(circuitBreaker={}))
    result = cli(["render", "backend-flask"], aws=NO_AWS, environ=STACK_VALUES, root=tree)
    assert result.code == 1
    assert result.stderr == ("error: aws/json/service-backend-flask.json: deploymentConfiguration.circuitBreaker: "
                             "unknown key for CreateService\n")


def test_default_stack_outputs_and_the_account_fill_what_flags_and_environment_leave(cli, aws):
    outputs = {k: v for k, v in STACK_VALUES.items() if k not in ("AWS_ACCOUNT_ID", "ECR_REGISTRY")}
    camel = {"".join(part.capitalize() for part in name.split("_")): value for name, value in outputs.items()}
    assert "ExecutionRoleArn" in camel and "AwsCognitoUserPoolClientId" in camel
    template = {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
                "Outputs": {key: {"Value": value} for key, value in camel.items()}}
    aws.cloudformation.create_stack(StackName="cruddur-staging-iam", TemplateBody=json.dumps(template))
    result = cli(["render", "backend-flask"], aws=aws, environ={})
    assert result.code == 0, result.stderr
    rendered = json.loads(result.stdout)["taskDefinition"]
    assert rendered["containerDefinitions"][0]["image"] == \
        f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/backend-flask:0123456789ab"
    assert rendered["executionRoleArn"] == STACK_VALUES["EXECUTION_ROLE_ARN"]


def test_each_environment_renders_from_its_own_stacks_file_and_names(cli, aws):
    """Both environments' iam stacks exist; --env prod takes prod's outputs, prod's sizes and prod's names."""
    for env in ("staging", "prod"):
        outputs = {"ExecutionRoleArn": f"arn:aws:iam::{ACCOUNT}:role/cruddur-{env}-task-execution"}
        template = {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
                    "Outputs": {key: {"Value": value} for key, value in outputs.items()}}
        aws.cloudformation.create_stack(StackName=f"cruddur-{env}-iam", TemplateBody=json.dumps(template))
    given = {k: v for k, v in STACK_VALUES.items() if k != "EXECUTION_ROLE_ARN"}
    result = cli(["render", "backend-flask", "--env", "prod", *var_flags(given)], aws=aws, environ={})
    assert result.code == 0, result.stderr
    rendered = json.loads(result.stdout)
    task, service = rendered["taskDefinition"], rendered["service"]
    [container] = task["containerDefinitions"]
    assert (task["family"], task["executionRoleArn"]) == \
        ("cruddur-prod-backend-flask", f"arn:aws:iam::{ACCOUNT}:role/cruddur-prod-task-execution")
    assert container["logConfiguration"]["options"]["awslogs-group"] == "/cruddur/prod/backend-flask"
    assert container["secrets"][0]["valueFrom"] == \
        f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/cruddur/prod/backend-flask/CONNECTION_URL"
    environment = {e["name"]: e["value"] for e in container["environment"]}
    assert (environment["DDB_MESSAGE_TABLE"], environment["CRUDDUR_ENVIRONMENT"]) == ("cruddur-prod-messages", "prod")
    assert (service["taskDefinition"], service["desiredCount"]) == ("cruddur-prod-backend-flask", 2)
    assert service["serviceConnectConfiguration"]["namespace"] == "cruddur-prod"
    assert service["deploymentConfiguration"]["alarms"]["alarmNames"][0] == "cruddur-prod-backend-flask-5xx-rate"


def test_an_unknown_environment_names_the_known_ones(cli):
    result = cli(["render", "backend-flask", "--env", "qa"], aws=NO_AWS, environ={})
    assert (result.code, result.stderr) == (
        1, "error: unknown environment 'qa' (known in aws/environments: prod, staging; a name is 1-12 of a-z and "
           "0-9)\n")


def test_the_environment_variable_chooses_the_environment_when_the_flag_does_not(cli):
    result = cli(["render", "backend-flask", *var_flags(STACK_VALUES)], aws=NO_AWS,
                 environ={"CRUDDUR_ENVIRONMENT": "prod"})
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["taskDefinition"]["family"] == "cruddur-prod-backend-flask"


def test_unknown_service_names_the_known_ones(cli):
    result = cli(["render", "worker"], aws=NO_AWS, environ={})
    assert (result.code, result.stderr) == (
        1, "error: unknown service 'worker' (known in aws/ops.toml: backend-flask, frontend-react-js)\n")


@pytest.mark.parametrize("name, value, secret", [
    ("GIT_SHA", "0123456789abcdef0123456789abcdef01234567", False),
    ("AWS_KEY_ID_VALUE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", True),
    ("DATABASE", "postgresql://cruddur:hunter2@db/cruddur", True),
    ("DATABASE", "postgresql://db.internal/cruddur", False),
    ("ROLLBAR_ACCESS_TOKEN", "anything", True),
    ("FRONTEND_URL", "https://cruddur.example.com", False),
])
def test_what_counts_as_a_secret_in_an_environment_entry(name, value, secret):
    from cruddur_ops.definitions import secret_looking

    assert secret_looking(name, value) is secret
