"""Fixtures of the court watch's fetching and schedule tests: a local court site, names that
resolve where a test says, and watches on dockets."""

import socket

import pytest
from django.utils import timezone

from cases.models import Docket
from courtwatch.models import CourtWatch
from tests.courtwatch.court_server import CourtServer
from tests.factories import CaseFactory, CourtFactory

DEFAULT_HOSTS = ["*.sudrf.ru", "mos-gorsud.ru", "www.mos-gorsud.ru"]
# A public address (not reserved, not private) that tests' connections to it reach the local
# court server instead: a court site "on the internet" while loopback is refused.
PUBLIC_IP = "93.184.216.34"


@pytest.fixture
def court_site(settings):
    """The local court site, with loopback allowed and 127.0.0.1 on the allow-list (tests only)."""
    settings.COURT_WATCH_ALLOW_LOOPBACK = True
    settings.COURT_WATCH_HOSTS = [*DEFAULT_HOSTS, "127.0.0.1"]
    server = CourtServer()
    yield server
    server.close()


class Network:
    """Names resolved as a test says; connections to PUBLIC_IP:80 taken to the court server."""

    def __init__(self, server):
        self.server = server
        self.names = {}
        self.resolved = []  # every name looked up
        self.connected = []  # every address a socket connected to, as asked


@pytest.fixture
def public_court(settings, monkeypatch):
    """A court site reached as if on the internet: `names` maps host names to addresses;
    PUBLIC_IP:80 is the local court server. Loopback is refused (the default)."""
    settings.COURT_WATCH_ALLOW_LOOPBACK = False
    settings.COURT_WATCH_HOSTS = list(DEFAULT_HOSTS)
    server = CourtServer()
    network = Network(server)
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect

    def getaddrinfo(host, port, *args, **kwargs):
        network.resolved.append(host)
        if host in network.names:
            address = network.names[host]
            if ":" in address:
                return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port, 0, 0))]
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]
        return real_getaddrinfo(host, port, *args, **kwargs)

    def connect(sock, address):
        network.connected.append(address)
        if tuple(address[:2]) == (PUBLIC_IP, 80):
            address = ("127.0.0.1", server.port)
        return real_connect(sock, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
    yield network
    server.close()


# The case number each fixture card gives: a round reads a card only for the docket of its number.
CARD_NUMBERS = {
    "mos-gorsud": "02а-0911/2026",
    "mos-gorsud-postponed": "02а-0911/2026",
    "mos-gorsud-variant": "02-9031/2026",
    "sudrf-classic": "2а-4471/2026",
    "sudrf-classic-variant": "2-1907/2026",
    "sudrf-newer": "2-812/2026",
    "sudrf-newer-variant": "2-77/2027",
}


def watch_on(url, *, case=None, court=None, number=None, **fields):
    """A watch of a new docket (rows made directly: the code under test is the round), numbered
    as the card its URL names (mos-gorsud.html's number for any other URL) unless `number`."""
    case = case or CaseFactory()
    name = url.rsplit("/", 1)[-1].removesuffix(".html")
    number = number or CARD_NUMBERS.get(name, CARD_NUMBERS["mos-gorsud"])
    docket = Docket.objects.create(case=case, court=court or CourtFactory(), number=number)
    fields.setdefault("next_check_at", timezone.now())
    return CourtWatch.objects.create(docket=docket, url=url, **fields)
