"""Readers of the published case-card layouts (court-sites.md): sudrf.ru classic and newer,
mos-gorsud.ru. `card_read` decodes the bytes, recognises the layout and reads the card whole, or
says why it cannot (CardUnreadable: "captcha", or "layout" for an unknown, cut-off or empty page)."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext_noop

from courtwatch.readers import mos_gorsud, sudrf
from courtwatch.readers.common import Element, page_asks_captcha, page_is_whole, page_parse
from courtwatch.readers.decoding import text_decode
from courtwatch.reading import CardReading, CardUnreadable, words

# (recognises the page, reads it); the first that recognises the page reads it.
_LAYOUTS: tuple[tuple[Callable[[Element], bool], Callable[[Element], CardReading]], ...] = (
    (sudrf.CLASSIC.is_this_layout, sudrf.CLASSIC.card_read),
    (sudrf.NEWER.is_this_layout, sudrf.NEWER.card_read),
    (mos_gorsud.is_this_layout, mos_gorsud.card_read),
)


def card_read(body: bytes, *, content_type: str = "") -> CardReading:
    """The card in `body` (bytes as fetched; `content_type` the HTTP header, which may omit or
    misstate the charset), read whole, or CardUnreadable (captcha, unknown layout, ...)."""
    if not body.strip():
        raise CardUnreadable("layout", words(gettext_noop("the page is empty")))
    text = text_decode(body, content_type=content_type)
    page = page_parse(text)
    try:
        for recognises, read in _LAYOUTS:
            if recognises(page):
                reading = read(page)
                break
        else:
            raise CardUnreadable(
                "layout", words(gettext_noop("no known card layout (sudrf.ru classic or newer, mos-gorsud.ru)"))
            )
        # A court's card ends with </html>: one cut off in transit reads as fewer events.
        if not page_is_whole(text):
            raise CardUnreadable("layout", words(gettext_noop("the page is cut off before its end")))
    except CardUnreadable:
        # A captcha page can borrow the card's frame; whatever it lacks, the captcha is the cause.
        if page_asks_captcha(page):
            raise CardUnreadable("captcha", words(gettext_noop("the court's site asks for a captcha"))) from None
        raise
    return reading
