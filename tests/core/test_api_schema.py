"""The API schema documents its errors, and a bounded schemathesis run over every operation (as an administrator,
with outbound fetches unable to leave for the inside of the network) finds no server error and no undocumented
status."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import content_type_conformance, not_a_server_error, status_code_conformance

from loa.auth import service as auth

# per operation and mode (valid, invalid input): the run stays within a minute or two
EXAMPLES = int(os.environ.get("LOA_SCHEMATHESIS_EXAMPLES", "2"))


def test_every_operation_documents_its_error_statuses_with_one_error_body(app):
    schema = app.openapi()
    body = {"$ref": "#/components/schemas/ErrorBody"}
    assert {"detail", "detail_en", "errors"} <= set(schema["components"]["schemas"]["ErrorBody"]["properties"])
    seen = set()
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            errors = {int(s): r for s, r in op["responses"].items() if s.startswith(("4", "5"))}
            seen |= set(errors)
            assert all(r["content"]["application/json"]["schema"] == body for r in errors.values()), (method, path)
            if "{" in path:
                assert 404 in errors, (method, path)
            if method in ("post", "put", "patch", "delete"):
                assert {409, 413} <= set(errors), (method, path)
    assert seen >= {400, 401, 403, 404, 409, 413, 422, 429}
    me = schema["paths"]["/api/v1/me"]["get"]["responses"]
    assert "401" in me and "404" not in me
    assert "401" not in schema["paths"]["/api/v1/answers/ask"]["post"]["responses"]
    assert "429" in schema["paths"]["/api/v1/answers/ask"]["post"]["responses"]


def test_documented_errors_are_what_the_api_answers(client):
    r = client.get("/api/v1/me")
    assert r.status_code == 401 and set(r.json()) <= {"detail", "detail_en", "errors"}
    r = client.post("/api/v1/answers/ask", json={"question": 5})
    assert r.status_code == 422 and r.json()["errors"][0]["field"].startswith("body")


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_schemathesis_finds_no_server_error(app, db, people, monkeypatch):
    monkeypatch.delenv("LOA_FETCH_ALLOW_HOSTS", raising=False)  # listening sources cannot reach loopback
    token = auth.create_token(db, people["admin"], "schemathesis")
    db.commit()
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    headers = {"Authorization": f"Bearer {token}"}
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 80
    for operation, mode in [(op, mode) for op in operations for mode in GenerationMode]:  # valid, then invalid input

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            database=None,
            derandomize=True,
        )
        def run(case):
            response = case.call(headers=headers)
            try:
                case.validate_response(
                    response, checks=[not_a_server_error, status_code_conformance, content_type_conformance]
                )
            except (
                Exception,
                BaseExceptionGroup,
            ) as exc:  # collected, so that one run reports every operation that fails
                failures.append(f"{case.method} {case.path} → {response.status_code}: {str(exc)[:300]}")

        try:
            run()
        except Unsatisfiable:  # no invalid input exists for an operation without parameters
            assert mode == GenerationMode.NEGATIVE
    assert failures == [], "\n".join(failures)
