"""Fetching a court's case card: allow-listed hosts, public addresses only, bounded, verified.

The server fetches an address a user typed, so the address must not reach inside our network
(SSRF). Two checks, as for webhooks (webhooks/transport.py):
- `url_check` before anything is asked of the network, on the URL and on every redirect's
  target: http or https, no user name, a host name (no IP literal) on COURT_WATCH_HOSTS, the
  scheme's own port;
- tracker/netguard.py's `GuardedConnectionMixin` when each *connection* is made: the host is
  resolved, every address checked (public unicast only), and the socket connects to the very
  address checked, so a name that resolves elsewhere between the check and the connection
  (DNS rebinding) gains nothing.

Why urllib3 and not requests: requests resolves and connects inside urllib3's connection
classes it picks itself, follows redirects on its own (re-checking nothing) and reads proxies
from the environment; the guard belongs at connect time, which only urllib3's connection class
gives us (`ConnectionCls`). Redirects are followed here, by hand, each hop checked again.

Bounds: the body is read in pieces up to COURT_WATCH_MAX_BYTES (after decompression, so a
small gzip cannot become a large page), every wait is bounded (connect, read) and the whole
fetch has a deadline (COURT_WATCH_TOTAL_TIMEOUT_SECONDS). TLS is always verified, against the
system's roots, certifi's and COURT_WATCH_CA_BUNDLE's (court-sites.md: many state sites use the
Russian Trusted Root CA, which common stores lack).
"""

from __future__ import annotations

import email.utils
import fnmatch
import functools
import ipaddress
import re
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import certifi
import urllib3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_noop
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from courtwatch.models import CourtWatch
from courtwatch.reading import Words, WordsValue, words
from tracker import netguard
from tracker.netguard import AddressRefused, GuardedConnectionMixin, Target

MAX_REDIRECTS = 3
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# The site asks us to slow down (429) or is overloaded (503): the host waits (courtwatch/hosts.py).
_SLOW_DOWN = frozenset({429, 503})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_CHUNK = 64 * 1024
# A DNS name of letters, digits and hyphens (punycode for others), no empty label, no trailing dot.
_HOST_NAME = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*$")
_RETRY_AFTER_MAX = 24 * 3600


class UrlRefused(ValidationError):
    """The form's error ({"url": sentence}, in the active language), with its `words` kept for a
    failed round's record, which is shown later in its reader's language."""

    def __init__(self, refusal: Words) -> None:
        super().__init__({"url": refusal.translated()})
        self.words = refusal


def _refused(source: str, **values: WordsValue) -> UrlRefused:
    return UrlRefused(words(source, **values))


def url_check(url: str) -> str:
    """The URL's host (lower case) when the URL may be watched (https or http, host on
    COURT_WATCH_HOSTS); otherwise django.core.exceptions.ValidationError({"url": sentence}).

    Syntax only: whether the host resolves to public addresses is checked on each connection
    (`card_fetch`), where the answer counts."""
    if any(ord(char) <= 32 or ord(char) == 127 for char in url) or len(url) > 1000:
        raise _refused(gettext_noop("This is not a valid address of a case card."))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise _refused(gettext_noop("This is not a valid address of a case card.")) from exc
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise _refused(gettext_noop("Only http:// and https:// addresses of a court's case card can be watched."))
    if parts.username is not None or parts.password is not None:
        raise _refused(gettext_noop("The address of a case card may not carry a user name or password."))
    host = parts.hostname or ""
    if not host:
        raise _refused(gettext_noop("This is not a valid address of a case card."))
    loopback_allowed = settings.COURT_WATCH_ALLOW_LOOPBACK
    try:
        literal: ipaddress.IPv4Address | ipaddress.IPv6Address | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        # Tests and local work serve cards on 127.0.0.1; a court is always named.
        if not (loopback_allowed and literal.version == 4 and literal.is_loopback):
            raise _refused(
                gettext_noop("The address of a case card must name the court's site, not an IP address (%(host)s)."),
                host=host,
            )
    elif not _HOST_NAME.match(host):
        raise _refused(gettext_noop("%(host)s is not a valid host name."), host=host)
    if not any(fnmatch.fnmatchcase(host, pattern.lower()) for pattern in settings.COURT_WATCH_HOSTS):
        raise _refused(
            gettext_noop("%(host)s is not a court site the tracker reads (it reads %(hosts)s)."),
            host=host,
            hosts=", ".join(settings.COURT_WATCH_HOSTS),
        )
    if port is not None and port != _DEFAULT_PORTS[scheme] and not loopback_allowed:
        raise _refused(gettext_noop("The address of a case card may not name a port (%(port)s)."), port=port)
    return host


def url_host(url: str) -> str:
    """The host a watch's URL names, lower case (the key of its CourtHost row)."""
    return (urlsplit(url).hostname or "").lower()


# --- Connections ----------------------------------------------------------------------------


class _CourtConnectionMixin(GuardedConnectionMixin):
    def checked_targets(self) -> list[Target]:
        return netguard.resolve_checked(self.host, self.port, loopback_allowed=settings.COURT_WATCH_ALLOW_LOOPBACK)


class _CourtHTTPConnection(_CourtConnectionMixin, HTTPConnection):
    pass


class _CourtHTTPSConnection(_CourtConnectionMixin, HTTPSConnection):
    pass


class _CourtHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _CourtHTTPConnection


class _CourtHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _CourtHTTPSConnection


@functools.lru_cache(maxsize=4)
def ssl_context(ca_bundle: str) -> ssl.SSLContext:
    """Verification on, hostnames checked; the system's roots, certifi's, and `ca_bundle`'s
    (a file of extra roots) added, never replacing them."""
    context = ssl.create_default_context()
    context.load_verify_locations(cafile=certifi.where())
    if ca_bundle:
        context.load_verify_locations(cafile=ca_bundle)
    return context


def _pools() -> urllib3.PoolManager:
    # One per fetch: no connection outlives the fetch it was checked for (requests to one court
    # are seconds apart, so keeping them alive would save nothing).
    pools = urllib3.PoolManager(
        num_pools=MAX_REDIRECTS + 1,
        maxsize=1,
        retries=False,
        ssl_context=ssl_context(settings.COURT_WATCH_CA_BUNDLE),
    )
    pools.pool_classes_by_scheme = {"http": _CourtHTTPConnectionPool, "https": _CourtHTTPSConnectionPool}
    return pools


# --- The fetch -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fetched:
    """A card as fetched: 2xx with its body, or 304 (unchanged since the validators sent)."""

    url: str  # after redirects
    status: int
    body: bytes
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class FetchFailed(Exception):
    """No card: `problem` is one of CourtWatch.Problem's values, `detail` says what happened
    ("HTTP 503"). `slow_down`: the site asked to be left alone (429, 503) or did not answer in
    time, so its host waits (`retry_after` seconds if it said)."""

    def __init__(self, problem: str, detail: Words, *, slow_down: bool = False, retry_after: float | None = None):
        self.url = ""  # the request that failed (card_fetch sets it)
        self.words = detail
        self.detail = detail.english()
        super().__init__(self.detail)
        self.problem = problem
        self.slow_down = slow_down
        self.retry_after = retry_after


def user_agent() -> str:
    return f"CaseTracker court watch (+{settings.SITE_BASE_URL})"


def card_fetch(
    url: str, *, etag: str = "", last_modified: str = "", host_turn: Callable[[str], float] | None = None
) -> Fetched:
    """GET a case card, following up to MAX_REDIRECTS redirects, each checked again; with the
    watch's validators (If-None-Match, If-Modified-Since) when it has them. Fetched, or
    FetchFailed (refused, HTTP error, timeout, too large, connection; its `url` the request that
    failed). `host_turn(url)`, asked before each redirect's request, takes the turn of that URL's
    host and answers 0, or the seconds until it is free: the fetch waits for it within its total
    time (a redirect to another court's host keeps that host's pace too)."""
    deadline = time.monotonic() + settings.COURT_WATCH_TOTAL_TIMEOUT_SECONDS
    headers = {
        "User-Agent": user_agent(),
        "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
        "Accept-Language": "ru",
        "Accept-Encoding": "gzip, deflate",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    pools = _pools()
    try:
        current = url
        for hop in range(MAX_REDIRECTS + 1):
            _hop_check(current, first=hop == 0)
            if hop and host_turn is not None:
                _wait_for_turn(host_turn, current, deadline=deadline)
            response = _request(pools, current, headers=headers, deadline=deadline)
            location = response.headers.get("Location")
            if response.status in _REDIRECTS and location:
                response.close()  # its body is not read: a redirect may carry any amount of it
                target = urljoin(current, location)
                if hop == MAX_REDIRECTS:
                    raise FetchFailed(
                        CourtWatch.Problem.HTTP,
                        words(
                            gettext_noop("more than %(count)d redirects (the last to %(url)s)"),
                            count=MAX_REDIRECTS,
                            url=target,
                        ),
                    )
                if urlsplit(current).scheme.lower() == "https" and urlsplit(target).scheme.lower() != "https":
                    raise FetchFailed(
                        CourtWatch.Problem.REFUSED,
                        words(gettext_noop("redirected from https to %(url)s, without TLS"), url=target),
                    )
                current = target
                continue
            return _answer(response, current, deadline=deadline)
        raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover
    except FetchFailed as exc:
        exc.url = exc.url or current
        raise
    finally:
        pools.clear()


def _wait_for_turn(host_turn: Callable[[str], float], url: str, *, deadline: float) -> None:
    while (wait := host_turn(url)) > 0:
        if wait >= _remaining(deadline):
            raise FetchFailed(
                CourtWatch.Problem.TIMEOUT,
                words(
                    gettext_noop("redirected to %(url)s, whose site is not free for another %(seconds)s s"),
                    url=url,
                    seconds=f"{wait:.0f}",
                ),
            )
        time.sleep(wait)


def _hop_check(url: str, *, first: bool) -> None:
    try:
        url_check(url)
    except ValidationError as exc:
        refusal = exc.words if isinstance(exc, UrlRefused) else Words(" ".join(exc.messages))
        detail = refusal if first else words(gettext_noop("redirected to %(url)s: %(reason)s"), url=url, reason=refusal)
        raise FetchFailed(CourtWatch.Problem.REFUSED, detail) from exc


def _deadline_passed() -> FetchFailed:
    return FetchFailed(
        CourtWatch.Problem.TIMEOUT,
        words(
            gettext_noop("no whole answer within %(seconds)s s"),
            seconds=f"{settings.COURT_WATCH_TOTAL_TIMEOUT_SECONDS:g}",
        ),
        slow_down=True,
    )


def _remaining(deadline: float) -> float:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _deadline_passed()
    return remaining


def _request(
    pools: urllib3.PoolManager, url: str, *, headers: dict[str, str], deadline: float
) -> urllib3.BaseHTTPResponse:
    remaining = _remaining(deadline)
    timeout = urllib3.Timeout(
        connect=min(settings.COURT_WATCH_CONNECT_TIMEOUT_SECONDS, remaining),
        read=min(settings.COURT_WATCH_READ_TIMEOUT_SECONDS, remaining),
    )
    try:
        return pools.request(
            "GET", url, headers=headers, redirect=False, retries=False, timeout=timeout, preload_content=False
        )
    except urllib3.exceptions.HTTPError as exc:
        raise _failure(exc) from exc


def _failure(exc: BaseException) -> FetchFailed:
    refused = _cause(exc, AddressRefused)
    if refused is not None:
        phrase = getattr(refused, "phrase", None)
        return FetchFailed(CourtWatch.Problem.REFUSED, _phrase_words(phrase) if phrase else Words(str(refused)))
    # NewConnectionError is a ConnectTimeoutError to urllib3: a refused connection is not a timeout.
    if isinstance(exc, urllib3.exceptions.NewConnectionError):
        return FetchFailed(CourtWatch.Problem.CONNECTION, Words(_reason(exc)))
    if isinstance(exc, urllib3.exceptions.ConnectTimeoutError):
        return FetchFailed(
            CourtWatch.Problem.TIMEOUT,
            words(
                gettext_noop("no connection within %(seconds)s s"),
                seconds=f"{settings.COURT_WATCH_CONNECT_TIMEOUT_SECONDS:g}",
            ),
            slow_down=True,
        )
    if isinstance(exc, urllib3.exceptions.TimeoutError):
        return FetchFailed(
            CourtWatch.Problem.TIMEOUT,
            words(
                gettext_noop("no answer within %(seconds)s s"), seconds=f"{settings.COURT_WATCH_READ_TIMEOUT_SECONDS:g}"
            ),
            slow_down=True,
        )
    if isinstance(exc, urllib3.exceptions.SSLError):
        return FetchFailed(CourtWatch.Problem.CONNECTION, words(gettext_noop("TLS: %(reason)s"), reason=_reason(exc)))
    return FetchFailed(CourtWatch.Problem.CONNECTION, Words(_reason(exc)))


def _phrase_words(phrase: netguard.Phrase) -> Words:
    """tracker/netguard.py's untranslated sentence as Words: translated when a lawyer reads it."""
    source, values = phrase
    return Words(source, {key: _phrase_words(v) if isinstance(v, tuple) else v for key, v in values.items()})


def _cause(exc: BaseException | None, kind: type[BaseException]) -> BaseException | None:
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, kind):
            return exc
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


def _reason(exc: BaseException) -> str:
    reason: Any = getattr(exc, "reason", None) or exc
    text = str(reason)
    # urllib3 prefixes its own object's repr ("<...Connection object at 0x...>: Failed to ..."): drop it.
    return re.sub(r"<[^>]*object at 0x[0-9a-f]+>:\s*", "", text)[:250]


def _answer(response: urllib3.BaseHTTPResponse, url: str, *, deadline: float) -> Fetched:
    status = response.status
    if status == 304:
        response.close()
        return Fetched(
            url=url,
            status=304,
            body=b"",
            etag=response.headers.get("ETag", ""),
            last_modified=response.headers.get("Last-Modified", ""),
        )
    if not 200 <= status < 300:
        retry_after = _retry_after(response.headers.get("Retry-After", "")) if status in _SLOW_DOWN else None
        response.close()
        raise FetchFailed(
            CourtWatch.Problem.HTTP,
            Words(f"HTTP {status}"),  # the same in every language
            slow_down=status in _SLOW_DOWN,
            retry_after=retry_after,
        )
    body = _body(response, deadline=deadline)
    return Fetched(
        url=url,
        status=status,
        body=body,
        content_type=response.headers.get("Content-Type", ""),
        etag=response.headers.get("ETag", ""),
        last_modified=response.headers.get("Last-Modified", ""),
    )


def _too_large() -> FetchFailed:
    return FetchFailed(
        CourtWatch.Problem.TOO_LARGE,
        words(gettext_noop("the page is larger than %(size)s bytes"), size=settings.COURT_WATCH_MAX_BYTES),
    )


def _body(response: urllib3.BaseHTTPResponse, *, deadline: float) -> bytes:
    """The decoded body, up to the cap and within the deadline: one socket read at a time
    (read1), so a site that trickles bytes meets the deadline instead of each read's timeout."""
    cap = settings.COURT_WATCH_MAX_BYTES
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > cap and not response.headers.get("Content-Encoding"):
        response.close()
        raise _too_large()
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            remaining = _remaining(deadline)
            sock = getattr(getattr(response, "connection", None), "sock", None)
            if sock is not None:
                sock.settimeout(min(settings.COURT_WATCH_READ_TIMEOUT_SECONDS, remaining))
            chunk = response.read1(_CHUNK, decode_content=True)
            if not chunk:
                break
            size += len(chunk)
            if size > cap:
                raise _too_large()
            chunks.append(chunk)
    except (urllib3.exceptions.ReadTimeoutError, TimeoutError) as exc:
        # The socket's timeout, set above: the read's own, or what was left of the deadline.
        if deadline - time.monotonic() < settings.COURT_WATCH_READ_TIMEOUT_SECONDS:
            raise _deadline_passed() from exc
        raise _failure(urllib3.exceptions.ReadTimeoutError(None, "", str(exc))) from exc  # type: ignore[arg-type]
    except urllib3.exceptions.HTTPError as exc:
        raise _failure(exc) from exc
    finally:
        response.close()
    return b"".join(chunks)


def _retry_after(value: str) -> float | None:
    """Retry-After (RFC 9110 10.2.3): seconds, or an HTTP date; None if absent or unreadable."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(min(int(value), _RETRY_AFTER_MAX))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, min((when - timezone.now()).total_seconds(), _RETRY_AFTER_MAX))
