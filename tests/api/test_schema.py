import re
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


# What the contract promises and the server must keep (schemathesis' names): no 5xx, only
# documented statuses and content types, bodies as described, refusals of what the schema
# forbids (`page_size=0`, `?court=`), and 401 where the schema asks for credentials.
SCHEMATHESIS_CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "negative_data_rejection",
        "ignored_auth",
    ]
)


def schemathesis_run(url: str, tmp_path, *headers: str) -> subprocess.CompletedProcess[str]:
    """A bounded, reproducible run: a fixed seed, 4 examples per operation (about 200 requests
    for the 50 operations), two workers."""
    options = [arg for header in headers for arg in ("--header", header)]
    return subprocess.run(
        [str(BIN / "schemathesis"), "run", f"{url}/api/schema/", *options, "--checks", SCHEMATHESIS_CHECKS]
        + ["--phases", "examples,fuzzing,stateful", "--max-examples", "4", "--seed", "22", "--workers", "2"]
        + ["--generation-database", "none", "--no-color"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=420,
    )


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_schemathesis_finds_no_server_error_and_no_schema_violation(live_server, tmp_path):
    # given the demo data and a superuser token (so writes are exercised too)
    call_command("seed_demo", "--no-accounts", verbosity=0)
    admin = UserFactory(username="fuzzer", is_superuser=True, is_staff=True)
    _, token = api_token_create(user=admin, name="schemathesis")
    # when schemathesis fuzzes every operation of the published schema, with the token and
    # without credentials (anonymous reads are in the schema's `security`; the rest is a 401)
    signed_in = schemathesis_run(live_server.url, tmp_path, f"Authorization: Bearer {token}")
    anonymous = schemathesis_run(live_server.url, tmp_path)
    # then neither run reports a failure
    for run in (signed_in, anonymous):
        assert run.returncode == 0, run.stdout[-12000:]
        assert re.search(r"\b\d+ generated, \d+ passed", run.stdout), run.stdout[-3000:]
        assert not re.search(r"\b\d+ failed\b", run.stdout), run.stdout[-12000:]
