"""The one address check behind every outgoing connection to a user's URL (tracker/netguard.py):
public unicast only, and no IPv4 address hidden in an IPv6 one, whatever the IPv4 address."""

import socket

import pytest
import urllib3

from tracker.netguard import AddressRefused, GuardedConnectionMixin, address_refusal, embedded_ipv4, resolve_checked

PRIVATE = "a private, link-local or reserved address"


@pytest.mark.parametrize(
    ("address", "refusal"),
    [
        # IPv4 and plain IPv6
        ("127.0.0.1", "a loopback address"),
        ("::1", "a loopback address"),
        ("10.0.0.8", PRIVATE),
        ("169.254.169.254", PRIVATE),
        ("100.64.0.1", PRIVATE),  # shared address space (CGNAT)
        ("0.0.0.0", PRIVATE),  # noqa: S104 (an address refused, not bound)
        ("240.0.0.1", PRIVATE),
        ("224.0.0.5", "a multicast address"),
        ("ff02::1", "a multicast address"),
        ("fe80::1%eth0", PRIVATE),
        ("fc00::1", PRIVATE),
        ("fec0::1", PRIVATE),  # site-local: Python 3.11 calls it global
        ("2001:db8::1", PRIVATE),
        ("100::1", PRIVATE),
        ("::", PRIVATE),
        # every form that carries an IPv4 address: the private ones name what is inside
        ("64:ff9b::a9fe:a9fe", f"NAT64 of 169.254.169.254, {PRIVATE}"),
        ("::7f00:1", "IPv4-compatible of 127.0.0.1, a loopback address"),
        ("::ffff:192.168.0.1", f"IPv4-mapped of 192.168.0.1, {PRIVATE}"),
        ("::ffff:0:a9fe:a9fe", f"IPv4-translated of 169.254.169.254, {PRIVATE}"),
        ("2002:a9fe:a9fe::1", f"6to4 of 169.254.169.254, {PRIVATE}"),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", f"Teredo of 192.0.2.45, {PRIVATE}"),
        ("2a00:1450::5efe:a9fe:a9fe", f"ISATAP of 169.254.169.254, {PRIVATE}"),
        ("2a00:1450::200:5efe:a00:1", f"ISATAP of 10.0.0.1, {PRIVATE}"),
        # and the public ones are refused too: a gateway on the path decides where they go
        ("64:ff9b::808:808", "an IPv6 address with an IPv4 address inside (NAT64)"),
        ("64:ff9b:1::a9fe:a9fe", "an IPv6 address with an IPv4 address inside (NAT64)"),
        ("::ffff:8.8.8.8", "an IPv6 address with an IPv4 address inside (IPv4-mapped)"),
        ("::8.8.8.8", "an IPv6 address with an IPv4 address inside (IPv4-compatible)"),
        ("2002:808:808::1", "an IPv6 address with an IPv4 address inside (6to4)"),
    ],
)
def test_refused_addresses_say_why(address, refusal):
    assert address_refusal(address) == refusal


@pytest.mark.parametrize("address", ["8.8.8.8", "93.184.215.14", "2001:4860:4860::8888", "2a00:1450:4001:82a::200e"])
def test_public_unicast_addresses_are_allowed(address):
    assert address_refusal(address) is None


def test_loopback_only_when_allowed_and_never_hidden_inside_ipv6():
    assert address_refusal("127.0.0.1", loopback_allowed=True) is None
    assert address_refusal("::1", loopback_allowed=True) is None
    assert address_refusal("::ffff:127.0.0.1", loopback_allowed=True) == (
        "IPv4-mapped of 127.0.0.1, a loopback address"
    )


def test_embedded_ipv4_names_the_form_and_the_address():
    import ipaddress

    assert embedded_ipv4(ipaddress.IPv6Address("64:ff9b::a9fe:a9fe")) == (
        "NAT64",
        ipaddress.IPv4Address("169.254.169.254"),
    )
    assert embedded_ipv4(ipaddress.IPv6Address("2001:4860:4860::8888")) is None
    assert embedded_ipv4(ipaddress.IPv6Address("::1")) is None


def test_a_host_is_refused_when_any_of_its_addresses_is(monkeypatch):
    def getaddrinfo(host, port, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("8.8.8.8", port)),
            (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("64:ff9b::a9fe:a9fe", port, 0, 0)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with pytest.raises(AddressRefused) as refused:
        resolve_checked("rebound.example", 443)
    assert str(refused.value) == (
        "rebound.example resolves to 64:ff9b::a9fe:a9fe, NAT64 of 169.254.169.254, "
        f"{PRIVATE}: only public addresses may be reached."
    )


def test_an_unresolvable_host_is_refused_with_a_sentence():
    with pytest.raises(AddressRefused, match=r"^The host no-such-host\.invalid could not be resolved\.$"):
        resolve_checked("no-such-host.invalid", 443)


def test_a_guarded_connection_never_opens_a_socket_to_a_refused_address():
    # given a real server on loopback, which this connection does not allow
    import http.server
    import threading

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:

        class Guarded(GuardedConnectionMixin, urllib3.connection.HTTPConnection):
            pass

        class Pool(urllib3.HTTPConnectionPool):
            ConnectionCls = Guarded

        pool = Pool("127.0.0.1", server.server_address[1], retries=False)
        with pytest.raises(urllib3.exceptions.NewConnectionError, match="a loopback address"):
            pool.request("GET", "/")
    finally:
        server.shutdown()
        server.server_close()
