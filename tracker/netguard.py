"""Which addresses the server may connect to on a user's behalf (the SSRF guard).

Anything that fetches or posts to a URL a user gave (webhook receivers, court sites) must not
reach inside our network: loopback, private and link-local ranges (169.254.169.254 is the cloud's
metadata service), multicast, reserved space. An IPv6 address can carry an IPv4 address inside
it (IPv4-mapped, NAT64, 6to4, Teredo, ...), and a gateway on the path may turn it back into that
IPv4 address: `64:ff9b::a9fe:a9fe` is 169.254.169.254 through NAT64, and Python's `is_global`
calls it global. Every such form is refused, whatever the IPv4 address inside.

The check is made on the addresses a *connection* goes to (`resolve_checked`, then connect to
those very addresses: `GuardedConnectionMixin`), not only when a URL is saved: a name that
resolved to a public address yesterday may resolve to 127.0.0.1 today (DNS rebinding).

API:
- `address_refusal(address, loopback_allowed=False)`: why an address may not be reached, or None;
  `address_refusal_phrase` the same as an untranslated phrase, put into a reader's language
  later by `phrase_text` (a court watch's worker writes in no one's language).
- `resolve_checked(host, port, loopback_allowed=False)`: every address of a host, all checked.
- `GuardedConnectionMixin`: a urllib3 connection that resolves, checks and connects to the
  checked address (override `checked_targets` to add rules, e.g. HTTPS only).
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

from django.utils.translation import gettext, gettext_noop
from urllib3.exceptions import NewConnectionError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# (address family, socket address) as socket.getaddrinfo gives them.
Target = tuple[int, tuple[Any, ...]]


# An English sentence or phrase marked for translation (gettext_noop) and its values, which may
# be phrases themselves: kept as it is until someone reads it, then put into their language.
Phrase = tuple[str, dict[str, Any]]


def phrase_text(phrase: Phrase) -> str:
    """`phrase` in the active language."""
    source, values = phrase
    if not values:
        return gettext(source)
    return gettext(source) % {key: phrase_text(v) if isinstance(v, tuple) else v for key, v in values.items()}


class AddressRefused(ValueError):
    """The host, or an address it resolves to, is not one the server may connect to. `phrase`,
    when given, is the same sentence untranslated (for a reader in another language)."""

    def __init__(self, message: str, phrase: Phrase | None = None) -> None:
        super().__init__(message)
        self.phrase = phrase


_IPV4_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")  # RFC 4291 2.5.5.2
_IPV4_TRANSLATED = ipaddress.IPv6Network("::ffff:0:0:0/96")  # RFC 2765 (SIIT)
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")  # RFC 4291 2.5.5.1 (deprecated)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052 well-known prefix
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")  # RFC 8215 local-use prefix
_SIX_TO_FOUR = ipaddress.IPv6Network("2002::/16")  # RFC 3056
_TEREDO = ipaddress.IPv6Network("2001::/32")  # RFC 4380
# RFC 5214 (ISATAP): the interface identifier is 00-00-5E-FE or 02-00-5E-FE, then the IPv4
# address; the u/g bits of the first octet may be set either way.
_ISATAP_MASK, _ISATAP_ID = 0xFCFFFFFF, 0x00005EFE


def embedded_ipv4(address: ipaddress.IPv6Address) -> tuple[str, ipaddress.IPv4Address | None] | None:
    """The name of the form and the IPv4 address inside, when `address` carries one (None
    inside: the form is known but not where the IPv4 address sits, as with 64:ff9b:1::/48)."""
    low32 = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address in _IPV4_MAPPED:
        return "IPv4-mapped", low32
    if address in _IPV4_TRANSLATED:
        return "IPv4-translated", low32
    if address in _IPV4_COMPATIBLE and int(address) > 1:  # :: and ::1 are not IPv4 addresses
        return "IPv4-compatible", low32
    if address in _NAT64:
        return "NAT64", low32
    if address in _NAT64_LOCAL:
        return "NAT64", None
    if address in _SIX_TO_FOUR:
        return "6to4", address.sixtofour
    if address in _TEREDO:
        return "Teredo", address.teredo[1] if address.teredo else None
    if (int(address) >> 32) & _ISATAP_MASK == _ISATAP_ID:
        return "ISATAP", low32
    return None


def address_refusal(address: IPAddress | str, *, loopback_allowed: bool = False) -> str | None:
    """Why the server may not connect to `address` (a phrase for a sentence, in the active
    language), or None when it may: a public unicast address, or loopback when
    `loopback_allowed` (local work and tests)."""
    phrase = address_refusal_phrase(address, loopback_allowed=loopback_allowed)
    return None if phrase is None else phrase_text(phrase)


def address_refusal_phrase(address: IPAddress | str, *, loopback_allowed: bool = False) -> Phrase | None:
    """`address_refusal`, untranslated."""
    if isinstance(address, str):
        address = ipaddress.ip_address(address.split("%")[0])  # a scope (fe80::1%eth0) changes nothing
    if isinstance(address, ipaddress.IPv6Address):
        embedded = embedded_ipv4(address)
        if embedded is not None:
            form, inside = embedded
            inner = address_refusal_phrase(inside) if inside is not None else None
            if inside is not None and inner is not None:
                return gettext_noop("%(form)s of %(ipv4)s, %(kind)s"), {
                    "form": form,
                    "ipv4": str(inside),
                    "kind": inner,
                }
            return gettext_noop("an IPv6 address with an IPv4 address inside (%(form)s)"), {"form": form}
    if address.is_loopback:
        return None if loopback_allowed else (gettext_noop("a loopback address"), {})
    if address.is_multicast:
        return gettext_noop("a multicast address"), {}
    site_local = isinstance(address, ipaddress.IPv6Address) and address.is_site_local
    if not address.is_global or address.is_reserved or site_local:
        # private, link-local, shared (CGNAT), documentation, unspecified, reserved, ...
        return gettext_noop("a private, link-local or reserved address"), {}
    return None


def resolve_checked(host: str, port: int, *, loopback_allowed: bool = False) -> list[Target]:
    """Every address `host` resolves to, if the server may connect to all of them; else
    AddressRefused with a sentence (one bad address refuses the host: a resolver may return
    them in any order)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        phrase: Phrase = (gettext_noop("The host %(host)s could not be resolved."), {"host": host})
        raise AddressRefused(phrase_text(phrase), phrase) from exc
    targets: list[Target] = []
    for family, _type, _proto, _name, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        refusal = address_refusal_phrase(address, loopback_allowed=loopback_allowed)
        if refusal is not None:
            phrase = (
                gettext_noop("%(host)s resolves to %(address)s, %(kind)s: only public addresses may be reached."),
                {"host": host, "address": str(address), "kind": refusal},
            )
            raise AddressRefused(phrase_text(phrase), phrase)
        targets.append((family, sockaddr))
    return targets


class GuardedConnectionMixin:
    """For a urllib3 HTTP(S)Connection: resolve the host, check every address, and connect to
    an address that was checked, so no second DNS lookup can differ (rebinding). Subclasses
    override `checked_targets` to allow loopback or add rules; refusals surface as urllib3's
    NewConnectionError (no connection is made)."""

    host: str
    port: int
    timeout: float | None

    def checked_targets(self) -> list[Target]:
        return resolve_checked(self.host, self.port)

    def _new_conn(self) -> socket.socket:
        try:
            targets = self.checked_targets()
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
