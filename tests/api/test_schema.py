import subprocess

import pytest
from django.core.management import call_command

from apitokens.services import api_token_create
from tests.factories import UserFactory
from tests.processes import BIN


@pytest.mark.django_db
def test_schema_and_docs_are_served(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/api/v1/cases/", "/api/v1/cases/{id}/", "/api/v1/changes/", "/api/v1/hearings/{id}/"} <= set(paths)
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_schemathesis_finds_no_server_error_and_no_schema_violation(live_server, tmp_path):
    # given the demo data and a superuser token (so writes are exercised too)
    call_command("seed_demo", "--no-accounts", verbosity=0)
    admin = UserFactory(username="fuzzer", is_superuser=True, is_staff=True)
    _, token = api_token_create(user=admin, name="schemathesis")
    # when schemathesis fuzzes every operation of the published schema (bounded: ~1 minute)
    run = subprocess.run(
        [
            str(BIN / "schemathesis"),
            "run",
            f"{live_server.url}/api/schema/",
            "--header",
            f"Authorization: Bearer {token}",
            "--checks",
            "not_a_server_error,response_schema_conformance,content_type_conformance",
            "--phases",
            "examples,fuzzing,stateful",
            "--max-examples",
            "15",
            "--seed",
            "2",
            "--workers",
            "2",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=420,
    )
    # then it reports no failure
    assert run.returncode == 0, run.stdout[-12000:]
    assert " passed" in run.stdout
