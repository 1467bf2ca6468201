"""A court's website of the project's own, for `make run` only (DEBUG): the example case cards
(demo/court_site/, the layouts of sudrf.ru and mos-gorsud.ru with invented cases) served at
/demo-court/, so a newcomer can point a docket's watch at one and see the court's hearings
proposed; and one card that moves: its first reading shows the hearing of 10 December, every
later one shows it postponed to 21 January, as a court's card does. Without DEBUG every page
here is a 404: a deployment serves no invented court."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

CARDS_DIR = Path(__file__).resolve().parent / "court_site"
# name -> the Content-Type the court's server sends: the classic sudrf.ru layout is
# windows-1251, declared only in the page's <meta> (court-sites.md).
CARDS = {
    "sudrf-classic": "text/html",
    "sudrf-newer": "text/html; charset=utf-8",
    "mos-gorsud": "text/html; charset=utf-8",
    "mos-gorsud-postponed": "text/html; charset=utf-8",
}
# The moving card: the first read, then every later one (its state in the cache, shared by the
# web processes; "start again" on the index page resets it).
MOVING = ("mos-gorsud", "mos-gorsud-postponed")
MOVING_READS_KEY = "demo-court:moving-reads"


def _debug_only() -> None:
    if not settings.DEBUG:
        raise Http404("No demo court here.")


def _card(name: str) -> HttpResponse:
    return HttpResponse((CARDS_DIR / f"{name}.html").read_bytes(), content_type=CARDS[name])


@require_http_methods(["GET", "POST"])
def court_site(request: HttpRequest) -> HttpResponse:
    """The demo court's index: the cards, their addresses, how to watch one; POST starts the
    moving card's story again."""
    _debug_only()
    if request.method == "POST":
        cache.delete(MOVING_READS_KEY)
        return redirect("demo:court_site")
    base = request.build_absolute_uri("/").rstrip("/")
    cards = [(name, base + reverse("demo:court_card", args=[name])) for name in CARDS]
    reads = cache.get(MOVING_READS_KEY) or 0
    return render(
        request,
        "demo/court_site.html",
        {"cards": cards, "moving_url": base + reverse("demo:court_card_moving"), "moving_reads": reads},
    )


@require_GET
def court_card(request: HttpRequest, name: str) -> HttpResponse:
    _debug_only()
    if name not in CARDS:
        raise Http404("No such card.")
    return _card(name)


@require_GET
def court_card_moving(request: HttpRequest) -> HttpResponse:
    """The Moscow card as the court keeps it: the hearing of 10 December on the first read, then
    postponed (the defendant did not appear) to 21 January, room 412."""
    _debug_only()
    cache.add(MOVING_READS_KEY, 0, timeout=None)
    reads = cache.incr(MOVING_READS_KEY)
    return _card(MOVING[0] if reads <= 1 else MOVING[1])
