"""The API contract as clients use it: the committed openapi.json is what the server serves,
redocly accepts it under redocly.yaml, and clients generated from it by tools nobody here wrote
(openapi-python-client; openapi-typescript + openapi-fetch) drive a live server through a
client's day (contract/python/e2e.py, contract/typescript/e2e.ts)."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

from apitokens.services import api_token_create
from tests.factories import CaseFactory, CourtFactory, MembershipFactory, OrganizationFactory, UserFactory
from tests.processes import BIN, ROOT

CONTRACT = ROOT / "contract"
NPX = ["npx", "--no-install"]


def committed_schema() -> dict:
    return json.loads((ROOT / "openapi.json").read_text())


@pytest.mark.django_db
def test_the_served_schema_is_the_committed_openapi_json(client):
    # given the schema this code serves
    served = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    # then it names this deployment as its server
    assert served["servers"][0]["url"] == settings.SITE_BASE_URL
    # and the rest is openapi.json, byte for byte as JSON (`make openapi` rewrites it)
    committed = committed_schema()
    served["servers"] = committed["servers"]
    assert served == committed, "The API changed: run `make openapi` and commit openapi.json."


def test_redocly_accepts_the_committed_schema_without_a_warning():
    run = subprocess.run(
        [*NPX, "redocly", "lint", "--config", "../redocly.yaml", "../openapi.json", "--format=summary"],
        cwd=CONTRACT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Your API description is valid" in run.stdout + run.stderr
    assert "warning" not in (run.stdout + run.stderr).lower().replace("deprecation warning", "")


@pytest.fixture
def api_world():
    """A lawyer's token, their organization, a court and public cases to page through."""
    organization = OrganizationFactory()
    lawyer = MembershipFactory(organization=organization, user=UserFactory(username="contract-lawyer")).user
    court = CourtFactory()
    for number in range(5):
        CaseFactory(organization=organization, title=f"Contract case {number}")
    _, token = api_token_create(user=lawyer, name="contract")
    return {"TRACKER_API_TOKEN": token, "TRACKER_ORGANIZATION": organization.slug, "TRACKER_COURT": str(court.pk)}


def run_client(cmd: list[str], *, cwd, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cmd, cwd=cwd, env={**os.environ, **env}, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_generated_python_client_drives_the_live_server(live_server, api_world, tmp_path):
    # given a client generated from the committed schema by openapi-python-client
    path = {"PATH": f"{BIN}:{os.environ.get('PATH', '')}"}  # it formats its output with ruff
    generated = run_client(
        [str(BIN / "openapi-python-client"), "generate", "--path", str(ROOT / "openapi.json"), "--meta", "none"]
        + ["--config", str(CONTRACT / "python" / "config.yaml"), "--output-path", str(tmp_path / "tracker_client")],
        cwd=tmp_path,
        env=path,
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert "Warning" not in generated.stdout + generated.stderr, generated.stdout + generated.stderr
    # when the script runs a client's day through it against the live server
    run = run_client(
        [sys.executable, str(CONTRACT / "python" / "e2e.py")],
        cwd=tmp_path,
        env={**path, **api_world, "TRACKER_API_URL": live_server.url, "PYTHONPATH": str(tmp_path)},
    )
    # then every step met its expectation
    assert run.returncode == 0, run.stdout + run.stderr
    assert "python client: all steps passed" in run.stdout
    assert "paged list: 5 cases" in run.stdout


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_generated_typescript_client_drives_the_live_server(live_server, api_world):
    # given types generated from the committed schema, which the script type-checks against
    generated = run_client(
        [*NPX, "openapi-typescript", "../openapi.json", "-o", "typescript/schema.d.ts"], cwd=CONTRACT, env={}
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    typecheck = run_client([*NPX, "tsc", "-p", "typescript"], cwd=CONTRACT, env={})
    assert typecheck.returncode == 0, typecheck.stdout + typecheck.stderr
    # when the script runs a client's day with openapi-fetch against the live server
    run = run_client(
        [*NPX, "tsx", "typescript/e2e.ts"], cwd=CONTRACT, env={**api_world, "TRACKER_API_URL": live_server.url}
    )
    # then every step met its expectation
    assert run.returncode == 0, run.stdout + run.stderr
    assert "typescript client: all steps passed" in run.stdout
    assert "paged list: 5 cases" in run.stdout


@pytest.mark.django_db
def test_the_browsable_api_keeps_its_forms_though_the_schema_advertises_json_only(client, lawyer):
    # given the schema, which offers clients JSON bodies only
    hearing_create = committed_schema()["paths"]["/api/v1/hearings/"]["post"]
    assert list(hearing_create["requestBody"]["content"]) == ["application/json"]
    # when a logged-in lawyer opens the list in a browser
    client.force_login(lawyer)
    page = client.get("/api/v1/hearings/", HTTP_ACCEPT="text/html").content.decode()
    # then DRF's form for a new hearing is there, with the form encodings it still parses
    assert 'id="post-object-form"' in page
    assert "multipart/form-data" in page
    assert "application/x-www-form-urlencoded" in page
