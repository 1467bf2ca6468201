"""The short way of JsonFirstContentNegotiation answers exactly what DRF's negotiation does."""

import pytest
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from api.negotiation import JsonFirstContentNegotiation

pytestmark = pytest.mark.django_db

ACCEPTS = [
    None,
    "*/*",
    "application/json",
    "application/json; indent=4",
    "text/html",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "application/*",
]


def _request(accept, query=""):
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    return Request(APIRequestFactory().get(f"/api/v1/cases/{query}", **headers))


@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize("query", ["", "?format=json", "?format=api"])
def test_same_renderer_and_media_type_as_drf(accept, query):
    def answer(negotiation):
        try:
            renderer, media_type = negotiation.select_renderer(
                _request(accept, query), [JSONRenderer(), BrowsableAPIRenderer()]
            )
        except NotAcceptable:
            return "406"
        return type(renderer), media_type

    assert answer(JsonFirstContentNegotiation()) == answer(DefaultContentNegotiation())


def test_unacceptable_media_type_is_still_a_406(api, case):
    response = api.get("/api/v1/cases/", HTTP_ACCEPT="application/xml")
    assert response.status_code == 406


def test_browsers_still_get_the_browsable_api(api, case):
    response = api.get("/api/v1/cases/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
