"""HTTP to receivers we do not control, without letting a URL reach inside our network (SSRF;
the address rules are tracker/netguard.py's, shared with every outgoing fetch).

The host is resolved and every address checked when a *connection* is made, not when the URL is
saved: a name that resolved to a public address at registration can point at 127.0.0.1 or
169.254.169.254 later (DNS rebinding). The socket then connects to the very address checked,
so no second lookup can differ. Redirects are never followed (a 3xx is a failed delivery), no
proxy from the environment is used, and connections are pooled per host (urllib3) so a busy
endpoint pays for TCP and TLS set-up once, not per batch.
"""

from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from django.utils.translation import gettext as _
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from tracker import netguard
from tracker.netguard import AddressRefused, GuardedConnectionMixin, Target

__all__ = ["AddressRefused", "Answer", "Transport", "resolve_checked", "url_check"]

RESPONSE_READ_LIMIT = 64 * 1024


def resolve_checked(host: str, port: int, *, scheme: str) -> list[Target]:
    """Every address of `host`, if all of them may be reached (tracker/netguard.py: public
    unicast only, no IPv4 address hidden in an IPv6 one); else AddressRefused. Plain HTTP only
    to loopback, and loopback only with WEBHOOKS_ALLOW_LOOPBACK."""
    targets = netguard.resolve_checked(host, port, loopback_allowed=settings.WEBHOOKS_ALLOW_LOOPBACK)
    for _family, sockaddr in targets:
        if scheme != "https" and not ipaddress.ip_address(str(sockaddr[0]).split("%")[0]).is_loopback:
            raise AddressRefused(_("Webhook URLs must use HTTPS."))
    return targets


def url_check(url: str) -> None:
    """What a URL must be to be registered: HTTPS (HTTP to loopback only in local work), no
    credentials, a host that resolves to public addresses only. Raises AddressRefused."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise AddressRefused(_("This is not a valid URL.")) from exc
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise AddressRefused(_("Webhook URLs must use HTTPS."))
    if parts.scheme == "http" and not settings.WEBHOOKS_ALLOW_LOOPBACK:
        raise AddressRefused(_("Webhook URLs must use HTTPS."))
    if parts.username is not None or parts.password is not None:
        raise AddressRefused(_("Webhook URLs may not carry a user name or password: verify the signature instead."))
    if parts.fragment:
        raise AddressRefused(_("Webhook URLs may not have a fragment (#...)."))
    resolve_checked(parts.hostname, port, scheme=parts.scheme)


class _WebhookConnectionMixin(GuardedConnectionMixin):
    scheme: str

    def checked_targets(self) -> list[Target]:
        return resolve_checked(self.host, self.port, scheme=self.scheme)


class GuardedHTTPConnection(_WebhookConnectionMixin, HTTPConnection):
    scheme = "http"


class GuardedHTTPSConnection(_WebhookConnectionMixin, HTTPSConnection):
    scheme = "https"


class GuardedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = GuardedHTTPConnection


class GuardedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = GuardedHTTPSConnection


@dataclass(frozen=True)
class Answer:
    status: int | None  # None: no HTTP answer (refused, timed out, address refused)
    excerpt: bytes
    error: str
    latency_ms: int


class Transport:
    """One per process: urllib3 pools (thread-safe) keyed by scheme, host and port."""

    def __init__(self, *, max_connections_per_host: int) -> None:
        self.pools = urllib3.PoolManager(
            num_pools=500,
            maxsize=max_connections_per_host,
            block=False,
            retries=False,
            ca_certs=settings.WEBHOOKS_CA_BUNDLE or None,
        )
        self.pools.pool_classes_by_scheme = {"http": GuardedHTTPConnectionPool, "https": GuardedHTTPSConnectionPool}

    def post(self, url: str, *, body: bytes, headers: dict[str, str]) -> Answer:
        started = time.monotonic()
        timeout = urllib3.Timeout(
            connect=settings.WEBHOOKS_CONNECT_TIMEOUT_SECONDS, total=settings.WEBHOOKS_TOTAL_TIMEOUT_SECONDS
        )
        try:
            response = self.pools.request(
                "POST",
                url,
                body=body,
                headers=headers,
                redirect=False,
                retries=False,
                timeout=timeout,
                preload_content=False,
            )
        except urllib3.exceptions.HTTPError as exc:
            return Answer(None, b"", _describe(exc), _ms_since(started))
        try:
            excerpt = response.read(RESPONSE_READ_LIMIT, decode_content=True)
            finished = not response.read(1, decode_content=True)
        except urllib3.exceptions.HTTPError as exc:
            response.close()
            return Answer(None, b"", _describe(exc), _ms_since(started))
        if finished:
            response.release_conn()
        else:  # more than we read: the rest is not ours to wait for; the connection goes
            response.close()
            response.release_conn()
        return Answer(response.status, excerpt, "", _ms_since(started))


def _ms_since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _describe(exc: Exception) -> str:
    reason = getattr(exc, "reason", None) or exc
    text = str(reason)
    if "Read timed out" in text or "timed out" in text:
        return _("timed out")
    return text[:300]
