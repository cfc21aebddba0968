"""ECS ignores an image's HEALTHCHECK and runs the task definition's: both must ask the same question."""
import json

import pytest

from containers import run


@pytest.mark.parametrize("service, image_fixture", [("backend-flask", "backend_image"),
                                                    ("frontend-react-js", "frontend_image")])
def test_task_definition_health_check_runs_the_image_probe(request, engine, service, image_fixture):
    image = request.getfixturevalue(image_fixture)
    image_probe = json.loads(engine.docker("image", "inspect", "--format", "{{json .Config.Healthcheck.Test}}",
                                           image).stdout)
    task_probe = run.container_definition(run.task_definition(service), service)["healthCheck"]["command"]
    assert task_probe == image_probe, f"task definition probes {task_probe}, the image {image_probe}"
