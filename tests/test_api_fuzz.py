"""The JSON API against its own OpenAPI document: Hypothesis (through schemathesis) writes
requests from the document, valid ones and ones that break it, and every answer must be no
5xx and keep what the document promises (status, content type, the shape of the body)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable

from forum.models import Role

EXAMPLES = 100  # per operation and mode


@pytest.mark.parametrize("mode", list(schemathesis.GenerationMode), ids=str)
def test_the_api_keeps_its_promises_whatever_it_is_sent(app, make, mode):
    region = make.region("vale")
    concern = make.concern(region, make.user("ana"))
    make.reply(concern, make.user("pia", roles={Role.partner: [region]}), official=True)
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    answers: list[int] = []

    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,  # the same cases each run: CI never fails by chance
        )
        def keeps_its_promise(case: schemathesis.Case) -> None:
            answers.append(case.call_and_validate().status_code)

        try:
            keeps_its_promise()
        except Unsatisfiable:  # nothing to break in an operation without parameters
            assert mode == schemathesis.GenerationMode.NEGATIVE and not operation.query

    assert len(operations) == 3  # regions, a region's concerns, a concern
    assert len(answers) >= 2 * 10
    print(f"{mode}: {len(answers)} requests, {sum(s >= 500 for s in answers)} answered 5xx")
