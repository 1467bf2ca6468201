"""Fetching a card from a real local court site: what is sent, what comes back, and every way
the fetch refuses or gives up (court-sites.md, "Being a good guest")."""

import time

import pytest
from django.core.exceptions import ValidationError

from courtwatch.fetch import FetchFailed, card_fetch, url_check, user_agent
from tests.courtwatch.conftest import PUBLIC_IP
from tests.courtwatch.court_server import LAST_MODIFIED, card_bytes

# --- url_check ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://krv--spb.sudrf.ru/modules.php?name=sud_delo&srv_num=1&name_op=case&case_id=1", "krv--spb.sudrf.ru"),
        ("http://bezhecky--twr.sudrf.ru/modules.php?name=sud_delo", "bezhecky--twr.sudrf.ru"),
        ("https://MOS-GORSUD.RU/rs/savyolovskij/services/cases/civil/details/4d1e", "mos-gorsud.ru"),
        ("https://www.mos-gorsud.ru:443/mgs/services/cases/appeal-civil/details/9", "www.mos-gorsud.ru"),
    ],
)
def test_a_court_sites_card_may_be_watched(settings, url, host):
    settings.COURT_WATCH_HOSTS = ["*.sudrf.ru", "mos-gorsud.ru", "www.mos-gorsud.ru"]
    settings.COURT_WATCH_ALLOW_LOOPBACK = False
    assert url_check(url) == host


@pytest.mark.parametrize(
    ("url", "sentence"),
    [
        ("https://example.com/card", "example.com is not a court site the tracker reads (it reads *.sudrf.ru, mos-gorsud.ru, www.mos-gorsud.ru)."),
        ("https://sudrf.ru.example.com/card", "sudrf.ru.example.com is not a court site the tracker reads (it reads *.sudrf.ru, mos-gorsud.ru, www.mos-gorsud.ru)."),
        ("https://sudrf.ru/card", "sudrf.ru is not a court site the tracker reads (it reads *.sudrf.ru, mos-gorsud.ru, www.mos-gorsud.ru)."),
        ("ftp://krv--spb.sudrf.ru/card", "Only http:// and https:// addresses of a court's case card can be watched."),
        ("javascript:alert(1)", "Only http:// and https:// addresses of a court's case card can be watched."),
        ("file:///etc/passwd", "Only http:// and https:// addresses of a court's case card can be watched."),
        ("https://user:secret@krv--spb.sudrf.ru/card", "The address of a case card may not carry a user name or password."),
        ("https://evil.example@krv--spb.sudrf.ru/card", "The address of a case card may not carry a user name or password."),
        ("http://127.0.0.1/card", "The address of a case card must name the court's site, not an IP address (127.0.0.1)."),
        ("http://169.254.169.254/latest/meta-data/", "The address of a case card must name the court's site, not an IP address (169.254.169.254)."),
        ("http://[::1]/card", "The address of a case card must name the court's site, not an IP address (::1)."),
        ("https://krv--spb.sudrf.ru:8443/card", "The address of a case card may not name a port (8443)."),
        ("https://krv--spb.sudrf.ru./card", "krv--spb.sudrf.ru. is not a valid host name."),
        ("https://krv_spb.sudrf.ru/card", "krv_spb.sudrf.ru is not a valid host name."),
        ("https://krv--spb.sudrf.ru:99999/card", "This is not a valid address of a case card."),
        ("https://krv--spb.sudrf.ru/card with space", "This is not a valid address of a case card."),
        ("https:///card", "This is not a valid address of a case card."),
        ("http://[::1/card", "This is not a valid address of a case card."),
    ],
)  # fmt: skip
def test_anything_else_is_refused_with_a_sentence(settings, url, sentence):
    settings.COURT_WATCH_HOSTS = ["*.sudrf.ru", "mos-gorsud.ru", "www.mos-gorsud.ru"]
    settings.COURT_WATCH_ALLOW_LOOPBACK = False
    with pytest.raises(ValidationError) as refused:
        url_check(url)
    assert refused.value.message_dict == {"url": [sentence]}


def test_loopback_and_any_port_only_when_allowed_for_tests(settings):
    settings.COURT_WATCH_HOSTS = ["127.0.0.1"]
    settings.COURT_WATCH_ALLOW_LOOPBACK = True
    assert url_check("http://127.0.0.1:8123/cards/x.html") == "127.0.0.1"
    # still only the listed hosts, and never another private address
    with pytest.raises(ValidationError):
        url_check("http://10.0.0.1/card")
    with pytest.raises(ValidationError):
        url_check("http://localhost:8123/card")


def test_the_allow_list_is_off_by_default_for_loopback(settings):
    from tracker import settings as defaults

    assert (defaults.COURT_WATCH_ALLOW_LOOPBACK, defaults.COURT_WATCH_HOSTS) == (
        False,
        ["*.sudrf.ru", "mos-gorsud.ru", "www.mos-gorsud.ru"],
    )


# --- What is sent and what comes back --------------------------------------------------------


def test_a_card_is_fetched_with_an_honest_user_agent(court_site, settings):
    settings.SITE_BASE_URL = "https://tracker.example.org"
    fetched = card_fetch(court_site.url("/cards/sudrf-classic.html"))
    assert (fetched.status, fetched.body, fetched.content_type) == (200, card_bytes("sudrf-classic.html"), "text/html")
    assert fetched.last_modified == LAST_MODIFIED
    headers = court_site.arrivals[0].headers
    assert headers["User-Agent"] == user_agent() == "CaseTracker court watch (+https://tracker.example.org)"
    assert "If-None-Match" not in headers


def test_the_watchs_validators_make_a_conditional_request_and_304_is_unchanged(court_site):
    first = card_fetch(court_site.url("/cards/mos-gorsud.html"))
    again = card_fetch(court_site.url("/cards/mos-gorsud.html"), etag=first.etag, last_modified=first.last_modified)
    assert (again.status, again.not_modified, again.body, again.etag) == (304, True, b"", first.etag)
    headers = court_site.arrivals[1].headers
    assert (headers["If-None-Match"], headers["If-Modified-Since"]) == (first.etag, LAST_MODIFIED)


def test_redirects_are_followed_within_the_allow_list(court_site):
    fetched = card_fetch(court_site.url("/redirect?to=/cards/mos-gorsud.html"))
    assert (fetched.status, fetched.url) == (200, court_site.url("/cards/mos-gorsud.html"))
    assert court_site.paths() == ["/redirect?to=/cards/mos-gorsud.html", "/cards/mos-gorsud.html"]


def test_more_than_three_redirects_is_a_failure(court_site):
    for hop in range(4):
        court_site.answer(f"/hop{hop}", 302, headers={"Location": f"/hop{hop + 1}"})
    court_site.serve_card("/hop4", "mos-gorsud.html")
    with pytest.raises(FetchFailed) as failed:
        card_fetch(court_site.url("/hop0"))
    assert (failed.value.problem, failed.value.detail) == (
        "http",
        f"more than 3 redirects (the last to {court_site.url('/hop4')})",
    )
    assert court_site.paths() == ["/hop0", "/hop1", "/hop2", "/hop3"]


@pytest.mark.parametrize(
    ("path", "detail", "slow_down", "retry_after"),
    [
        ("/status/503?retry_after=120", "HTTP 503", True, 120.0),
        ("/status/429", "HTTP 429", True, None),
        ("/status/404", "HTTP 404", False, None),
        ("/status/403", "HTTP 403", False, None),
        ("/status/500", "HTTP 500", False, None),
    ],
)
def test_an_http_error_is_a_failure_in_words(court_site, path, detail, slow_down, retry_after):
    with pytest.raises(FetchFailed) as failed:
        card_fetch(court_site.url(path))
    assert (failed.value.problem, failed.value.detail) == ("http", detail)
    assert (failed.value.slow_down, failed.value.retry_after) == (slow_down, retry_after)


def test_retry_after_as_an_http_date(court_site):
    from email.utils import format_datetime

    from django.utils import timezone

    when = format_datetime(timezone.now() + timezone.timedelta(seconds=300), usegmt=True)
    court_site.answer("/busy", 503, headers={"Retry-After": when})
    with pytest.raises(FetchFailed) as failed:
        card_fetch(court_site.url("/busy"))
    assert 295 <= failed.value.retry_after <= 300


# --- Bounds ------------------------------------------------------------------------------------


@pytest.mark.parametrize("chunked", ["0", "1"])
def test_a_body_over_the_cap_is_refused(court_site, settings, chunked):
    settings.COURT_WATCH_MAX_BYTES = 100_000
    with pytest.raises(FetchFailed) as failed:
        card_fetch(court_site.url(f"/big?bytes=100001&chunked={chunked}"))
    assert (failed.value.problem, failed.value.detail) == ("too_large", "the page is larger than 100000 bytes")
    # and one at the cap is read whole
    assert len(card_fetch(court_site.url(f"/big?bytes=100000&chunked={chunked}")).body) == 100_000


def test_a_gzip_body_is_capped_after_decompression(court_site, settings):
    import gzip

    settings.COURT_WATCH_MAX_BYTES = 100_000
    bomb = gzip.compress(b"<" * 1_000_000)  # 1 MB of page in a few kB
    court_site.answer("/bomb", 200, bomb, headers={"Content-Encoding": "gzip", "Content-Type": "text/html"})
    with pytest.raises(FetchFailed) as failed:
        card_fetch(court_site.url("/bomb"))
    assert (len(bomb) < 10_000, failed.value.problem) == (True, "too_large")


def test_a_site_that_does_not_answer_times_out(court_site, settings):
    settings.COURT_WATCH_READ_TIMEOUT_SECONDS = 0.5
    started = time.monotonic()
    with pytest.raises(FetchFailed) as failed:
        card_fetch(court_site.url("/slow?seconds=3"))
    assert (failed.value.problem, failed.value.detail, failed.value.slow_down) == (
        "timeout",
        "no answer within 0.5 s",
        True,
    )
    assert time.monotonic() - started < 2


def test_a_site_that_trickles_its_page_meets_the_total_deadline(court_site, settings):
    # given a site that sends a byte every 0.1 s: no read ever waits long, the whole would take days
    settings.COURT_WATCH_READ_TIMEOUT_SECONDS = 1
    settings.COURT_WATCH_TOTAL_TIMEOUT_SECONDS = 1.5
    started = time.monotonic()
    with pytest.raises(FetchFailed) as failed:
        card_fetch(court_site.url("/drip?every=0.1"))
    elapsed = time.monotonic() - started
    assert (failed.value.problem, failed.value.detail) == ("timeout", "no whole answer within 1.5 s")
    assert 1.4 < elapsed < 2.5


def test_a_closed_port_is_a_connection_failure(court_site, settings):
    from tests.processes import free_port

    with pytest.raises(FetchFailed) as failed:
        card_fetch(f"http://127.0.0.1:{free_port()}/card")
    assert failed.value.problem == "connection"
    assert "Connection refused" in failed.value.detail
    assert failed.value.slow_down is False


# --- Refusals: nothing reaches inside the network ----------------------------------------------


def test_a_court_site_on_a_public_address_is_fetched(public_court):
    public_court.names["krv--spb.sudrf.ru"] = PUBLIC_IP
    fetched = card_fetch("http://krv--spb.sudrf.ru/cards/sudrf-classic.html")
    assert fetched.body == card_bytes("sudrf-classic.html")
    assert public_court.server.arrivals[0].headers["Host"] == "krv--spb.sudrf.ru"


def test_a_url_outside_the_allow_list_is_refused_before_any_lookup(public_court):
    public_court.names["example.com"] = PUBLIC_IP
    with pytest.raises(FetchFailed) as failed:
        card_fetch("http://example.com/cards/sudrf-classic.html")
    assert (failed.value.problem, failed.value.detail) == (
        "refused",
        "example.com is not a court site the tracker reads (it reads *.sudrf.ru, mos-gorsud.ru, www.mos-gorsud.ru).",
    )
    assert (public_court.resolved, public_court.connected, public_court.server.arrivals) == ([], [], [])


def test_a_host_resolving_to_a_private_address_is_refused_at_connection(public_court):
    public_court.names["krv--spb.sudrf.ru"] = "10.20.30.40"
    with pytest.raises(FetchFailed) as failed:
        card_fetch("http://krv--spb.sudrf.ru/cards/sudrf-classic.html")
    assert (failed.value.problem, failed.value.detail) == (
        "refused",
        "krv--spb.sudrf.ru resolves to 10.20.30.40, a private, link-local or reserved address: "
        "only public addresses may be reached.",
    )
    assert public_court.connected == []  # no socket was even opened to it


def test_a_host_resolving_to_the_metadata_service_through_nat64_is_refused(public_court):
    public_court.names["krv--spb.sudrf.ru"] = "64:ff9b::a9fe:a9fe"
    with pytest.raises(FetchFailed) as failed:
        card_fetch("https://krv--spb.sudrf.ru/card")
    assert failed.value.problem == "refused"
    assert "NAT64 of 169.254.169.254" in failed.value.detail
    assert public_court.connected == []


def test_a_redirect_to_127_0_0_1_is_refused(public_court):
    # given a public court site that redirects to the server's own loopback
    public_court.names["krv--spb.sudrf.ru"] = PUBLIC_IP
    target = f"http://127.0.0.1:{public_court.server.port}/cards/sudrf-classic.html"
    with pytest.raises(FetchFailed) as failed:
        card_fetch(f"http://krv--spb.sudrf.ru/redirect?to={target}")
    assert (failed.value.problem, failed.value.detail) == (
        "refused",
        f"redirected to {target}: The address of a case card must name the court's site, not an IP address (127.0.0.1).",
    )
    assert public_court.server.paths() == [f"/redirect?to={target}"]  # the loopback hop never happened


def test_a_redirect_to_a_court_name_that_resolves_to_loopback_is_refused_at_connection(public_court):
    # given a redirect to an allowed name whose DNS answer is 127.0.0.1 (rebinding)
    public_court.names["krv--spb.sudrf.ru"] = PUBLIC_IP
    public_court.names["rebound.sudrf.ru"] = "127.0.0.1"
    with pytest.raises(FetchFailed) as failed:
        card_fetch("http://krv--spb.sudrf.ru/redirect?to=http://rebound.sudrf.ru/cards/sudrf-classic.html")
    assert (failed.value.problem, failed.value.detail) == (
        "refused",
        "rebound.sudrf.ru resolves to 127.0.0.1, a loopback address: only public addresses may be reached.",
    )
    assert len(public_court.server.arrivals) == 1
    assert [address[0] for address in public_court.connected] == [PUBLIC_IP]
