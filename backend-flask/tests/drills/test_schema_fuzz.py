"""schemathesis against the served OpenAPI document, with every check it has: no server errors, answers
within their schemas and their documented statuses, schema-valid requests accepted, everything the document
forbids refused.

Driven through hypothesis directly (schemathesis's pytest plugin does not load under pytest 9), one
operation and generation mode after another, every failure reported at the end.
"""
from datetime import datetime, timezone

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.core.parameters import ParameterLocation

from cruddur.paging import EARLIEST, encode_cursor

EXAMPLES_PER_OPERATION = 25

# A cursor is opaque: a schema-valid one is one the API could have handed out, for any position.
schemathesis.openapi.format("cursor", st.builds(
    encode_cursor, st.datetimes(min_value=EARLIEST.replace(tzinfo=None), max_value=datetime(9999, 12, 30),
                                timezones=st.just(timezone.utc)),
    st.uuids()))


def test_every_operation_answers_within_its_schema(app, auth):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    headers = auth.headers("bayko")
    failures, operations = {}, 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            if mode is GenerationMode.NEGATIVE and not any(operation.iter_parameters()) and not operation.body:
                continue  # nothing in the request to make invalid

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None,
                      suppress_health_check=list(HealthCheck))
            def fuzz(case):
                # signed in as bayko, except in the cases that are about the Authorization header itself
                negated_headers = case.meta is not None and case.meta.is_negative_at(ParameterLocation.HEADER)
                case.call_and_validate(headers=None if negated_headers else headers)

            try:
                fuzz()
            except (Exception, BaseExceptionGroup) as err:  # keep going: report every operation that broke
                failures[f"{operation.label} ({mode.value})"] = str(err)[:2000]
    assert operations >= 10, "the served document lists the API's operations"
    assert not failures, "\n\n".join(f"{label}:\n{why}" for label, why in failures.items())
