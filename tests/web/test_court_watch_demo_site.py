"""The demo court site (demo/court_site.py): the example cards at /demo-court/ under DEBUG, byte
for byte with the court's Content-Type, one of them moving after its first read; nothing at all
without DEBUG."""

import pytest

from demo.court_site import CARDS_DIR

pytestmark = pytest.mark.django_db
ADDRESSES = ["/demo-court/", "/demo-court/mos-gorsud.html", "/demo-court/moving/mos-gorsud.html"]


def card(name):
    return (CARDS_DIR / f"{name}.html").read_bytes()


@pytest.mark.parametrize("address", ADDRESSES)
def test_without_debug_there_is_no_demo_court(client, settings, address):
    settings.DEBUG = False
    assert client.get(address).status_code == 404
    assert client.post("/demo-court/").status_code == 404


def test_under_debug_the_cards_are_served_as_a_court_serves_them(client, settings):
    settings.DEBUG = True
    classic = client.get("/demo-court/sudrf-classic.html")
    assert (classic.status_code, classic["Content-Type"], classic.content) == (
        200,
        "text/html",
        card("sudrf-classic"),
    )
    assert "ДВИЖЕНИЕ ДЕЛА".encode("cp1251") in classic.content
    newer = client.get("/demo-court/sudrf-newer.html")
    assert (newer["Content-Type"], newer.content) == ("text/html; charset=utf-8", card("sudrf-newer"))
    assert client.get("/demo-court/no-such-card.html").status_code == 404
    index = client.get("/demo-court/").content.decode()
    assert "http://testserver/demo-court/moving/mos-gorsud.html" in index
    assert "http://testserver/demo-court/sudrf-classic.html" in index


def test_the_moving_card_is_postponed_after_its_first_read_until_started_again(client, settings):
    settings.DEBUG = True
    reads = [client.get("/demo-court/moving/mos-gorsud.html").content for _ in range(3)]
    assert reads == [card("mos-gorsud"), card("mos-gorsud-postponed"), card("mos-gorsud-postponed")]
    assert "read 3 times" in client.get("/demo-court/").content.decode()
    assert client.post("/demo-court/").status_code == 302
    assert client.get("/demo-court/moving/mos-gorsud.html").content == card("mos-gorsud")
