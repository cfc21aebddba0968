"""schemathesis against the served OpenAPI document: no server errors, no answer outside the schema.

Driven through hypothesis directly (schemathesis's pytest plugin does not load under pytest 9), one
operation after another, every failure reported at the end.
"""
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES_PER_OPERATION = 25
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]


def test_every_operation_answers_within_its_schema(app, auth):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    headers = auth.headers("bayko")
    failures, operations = {}, 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def fuzz(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            fuzz()
        except (Exception, BaseExceptionGroup) as err:  # keep going: report every operation that broke
            failures[operation.label] = str(err)[:2000]
    assert operations >= 10, "the served document lists the API's operations"
    assert not failures, "\n\n".join(f"{label}:\n{why}" for label, why in failures.items())
