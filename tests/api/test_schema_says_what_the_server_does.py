"""The contract says what the server does, and the server refuses what the contract forbids
(issue 22, item 4): anonymous reads in `security`, bounds on `limit` and `page_size`, closed
`translations` objects, integer id filters, the document file's type, the 202 body of a
subscription; `page_size` and enum filters that are empty or unreadable are a 400."""

import pytest

from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    return client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


def parameter(schema, path, name):
    (found,) = [p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == name]
    return found["schema"]


def test_anonymous_reads_are_in_security_and_private_lists_are_not(schema):
    assert {} in schema["paths"]["/api/v1/cases/"]["get"]["security"]
    assert {} in schema["paths"]["/api/v1/changes/"]["get"]["security"]
    assert {} in schema["paths"]["/api/v1/documents/{id}/file/"]["get"]["security"]
    assert {} not in schema["paths"]["/api/v1/cases/"]["post"]["security"]
    assert {} not in schema["paths"]["/api/v1/subscriptions/"]["get"]["security"]
    assert {} not in schema["paths"]["/api/v1/webhooks/"]["get"]["security"]


def test_bounds_types_and_bodies(schema):
    assert parameter(schema, "/api/v1/changes/", "limit") == {"type": "integer", "minimum": 1, "maximum": 1000}
    assert parameter(schema, "/api/v1/cases/", "page_size") == {"type": "integer", "minimum": 1, "maximum": 200}
    assert parameter(schema, "/api/v1/cases/", "court") == {"type": "integer"}
    assert parameter(schema, "/api/v1/hearings/", "case") == {"type": "integer"}
    assert parameter(schema, "/api/v1/rulings/", "court") == {"type": "integer"}
    components = schema["components"]["schemas"]
    for name in ("CaseTranslations", "CaseTranslationsRequest", "PartyTranslationsRequest", "LanguageTexts"):
        assert components[name]["additionalProperties"] is False, name
    assert "application/pdf" in schema["paths"]["/api/v1/documents/{id}/file/"]["get"]["responses"]["200"]["content"]
    accepted = schema["paths"]["/api/v1/subscriptions/"]["post"]["responses"]["202"]["content"]["application/json"]
    body = components[accepted["schema"]["$ref"].rsplit("/", 1)[1]]
    assert set(body["properties"]) == {"case", "email", "detail"}


@pytest.mark.parametrize("value", ["false", "null", "0", "", "201", "-1", "1.5", "²"])
def test_an_unreadable_page_size_is_a_400(client, value):
    CaseFactory(is_public=True)
    response = client.get("/api/v1/cases/", {"page_size": value})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"page_size": ["A whole number from 1 to 200."]}
    assert client.get("/api/v1/cases/", {"page_size": "200"}).status_code == 200


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/v1/cases/", "court"),
        ("/api/v1/cases/", "jurisdiction"),
        ("/api/v1/hearings/", "status"),
        ("/api/v1/hearings/", "case"),
    ],
)
def test_an_empty_filter_is_a_400(client, path, name):
    response = client.get(path, {name: ""})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {name: ["Give a value, or leave the parameter out."]}
    assert client.get(path, {"q": ""} if path == "/api/v1/cases/" else {}).status_code == 200  # free text may be empty


def test_a_decimal_id_filter_is_a_400(client):
    assert client.get("/api/v1/hearings/", {"case": "1.5"}).status_code == 400


def test_the_feed_refuses_a_limit_in_other_digits(client):
    assert client.get("/api/v1/changes/", {"limit": "²"}).status_code == 400


def test_anonymous_webhooks_and_subscriptions_lists_are_both_401(client):
    assert client.get("/api/v1/subscriptions/").status_code == 401
    assert client.get("/api/v1/webhooks/").status_code == 401


def test_an_unknown_api_path_with_a_newline_is_a_json_404(client):
    response = client.patch("/api/v1/hearings/%C3%86%0A%C2%95/", {}, content_type="application/json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
