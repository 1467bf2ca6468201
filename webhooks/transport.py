"""HTTP to receivers we do not control, without letting a URL reach inside our network (SSRF).

The host is resolved and every address checked when a *connection* is made, not when the URL is
saved: a name that resolved to a public address at registration can point at 127.0.0.1 or
169.254.169.254 later (DNS rebinding). The socket then connects to the very address checked,
so no second lookup can differ. Redirects are never followed (a 3xx is a failed delivery), no
proxy from the environment is used, and connections are pooled per host (urllib3) so a busy
endpoint pays for TCP and TLS set-up once, not per batch.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from django.utils.translation import gettext as _
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError

RESPONSE_READ_LIMIT = 64 * 1024


class AddressRefused(ValueError):
    """The URL or the address its host resolves to is not one webhooks may reach."""


def _refusal(address: ipaddress.IPv4Address | ipaddress.IPv6Address, *, loopback_allowed: bool) -> str | None:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        return None if loopback_allowed else _("a loopback address")
    if address.is_multicast:
        return _("a multicast address")
    if not address.is_global:  # private, link-local, reserved, shared (CGNAT), unspecified, ...
        return _("a private, link-local or reserved address")
    return None


def resolve_checked(host: str, port: int, *, scheme: str) -> list[tuple[int, tuple[Any, ...]]]:
    """Every address of `host`, if all of them may be reached; else AddressRefused.
    Plain HTTP only to loopback, and loopback only with WEBHOOKS_ALLOW_LOOPBACK."""
    loopback_allowed = settings.WEBHOOKS_ALLOW_LOOPBACK
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise AddressRefused(_("The host %(host)s could not be resolved.") % {"host": host}) from exc
    targets: list[tuple[int, tuple[Any, ...]]] = []
    for family, _type, _proto, _name, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        refusal = _refusal(address, loopback_allowed=loopback_allowed)
        if refusal is not None:
            raise AddressRefused(
                _("%(host)s resolves to %(address)s, %(kind)s: webhooks only go to public addresses.")
                % {"host": host, "address": address, "kind": refusal}
            )
        if scheme != "https" and not address.is_loopback:
            raise AddressRefused(_("Webhook URLs must use HTTPS."))
        targets.append((family, sockaddr))
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


class _GuardedConnectionMixin:
    host: str
    port: int
    timeout: float | None
    scheme: str

    def _new_conn(self) -> socket.socket:
        try:
            targets = resolve_checked(self.host, self.port, scheme=self.scheme)
        except AddressRefused as exc:
            raise NewConnectionError(self, str(exc)) from exc  # type: ignore[arg-type]
        last_error: OSError | None = None
        for family, sockaddr in targets:
            sock = socket.socket(family, socket.SOCK_STREAM)
            try:
                sock.settimeout(self.timeout if isinstance(self.timeout, int | float) else None)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                sock.connect(sockaddr)
                return sock
            except OSError as exc:
                sock.close()
                last_error = exc
        raise NewConnectionError(self, f"Failed to establish a new connection: {last_error}")  # type: ignore[arg-type]


class GuardedHTTPConnection(_GuardedConnectionMixin, HTTPConnection):
    scheme = "http"


class GuardedHTTPSConnection(_GuardedConnectionMixin, HTTPSConnection):
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
