"""The address of the client that sent a request, for rate limits, login lockouts and /metrics.

`X-Forwarded-For` is written by whoever sends the request: a client can put any address in it,
and rotating it used to give unlimited attempts against the throttles. It is read only when the
connection comes from a proxy listed in `TRUSTED_PROXIES`, and then from the right: each trusted
proxy appends the address it received the request from, so the rightmost address that is not a
trusted proxy is the client. Whatever lies to the left of it was written by the client itself.
Without `TRUSTED_PROXIES` (the default) the header is ignored and the peer address counts.
"""

from __future__ import annotations

import ipaddress
from functools import cache
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from django.http import HttpRequest
    from rest_framework.request import Request

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@cache
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    # tracker/settings.py refuses an entry that is not an address or a CIDR block.
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)


def _address(text: str) -> Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in network for network in networks)


def client_address(request: HttpRequest | Request) -> str:
    """The client's address as text ("" if the peer address itself is unusable)."""
    meta = request.META
    peer = _address(meta.get("REMOTE_ADDR", ""))
    if peer is None:
        return ""
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if not networks or not _trusted(peer, networks):
        return str(peer)
    client = peer
    for hop in reversed(meta.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(hop)
        if address is None:
            # A trusted proxy writes a valid address; anything else came from the client's side.
            break
        client = address
        if not _trusted(address, networks):
            break
    return str(client)
