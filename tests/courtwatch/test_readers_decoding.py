"""A card's bytes as text: the HTTP header's charset, the <meta>'s, each checked against the bytes,
and a detector when neither is there or right (court-sites.md: sudrf.ru's classic cards are
windows-1251, declared in a <meta>, the HTTP header may not say it)."""

from __future__ import annotations

import pytest

from courtwatch.readers import card_read
from courtwatch.readers.decoding import charset_from_header, charset_from_meta, text_decode
from tests.courtwatch.test_readers import MOS_GORSUD, SUDRF_CLASSIC, SUDRF_NEWER, card

META_1251 = b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
META_UTF8 = b'<meta charset="utf-8">'


@pytest.mark.parametrize(
    "content_type",
    [
        "",  # no header at all
        "text/html",  # the header without a charset: the <meta> says windows-1251
        "text/html; charset=windows-1251",
        'text/html; charset="CP1251"',
        "text/html; charset=utf-8",  # wrong: the bytes are not UTF-8, the <meta> is right
        "text/html; charset=ISO-8859-1",  # wrong and decodes anything: the detector settles it
        "text/html; charset=koi8-r",  # wrong and decodes anything: the detector settles it
        "text/html; charset=x-no-such-charset",
    ],
)
def test_the_windows_1251_card_reads_whatever_the_header_says(content_type):
    assert card_read(card("sudrf-classic.html"), content_type=content_type) == SUDRF_CLASSIC


@pytest.mark.parametrize(
    "content_type",
    ["", "text/html", "text/html; charset=utf-8", "text/html; charset=windows-1251", "text/html; charset=koi8-r"],
)
def test_a_utf8_card_reads_whatever_the_header_says(content_type):
    # Valid UTF-8 beyond ASCII is UTF-8: Russian text in a one-byte charset practically never is.
    assert card_read(card("sudrf-newer.html"), content_type=content_type) == SUDRF_NEWER
    assert card_read(card("mos-gorsud.html"), content_type=content_type) == MOS_GORSUD


def test_a_windows_1251_card_declaring_nothing_is_found_by_the_detector():
    body = card("sudrf-classic.html").replace(META_1251, b"")
    assert b"charset" not in body
    assert card_read(body, content_type="text/html") == SUDRF_CLASSIC


def test_a_koi8_card_declared_only_in_the_header_reads():
    body = card("mos-gorsud.html").decode("utf-8").replace('<meta charset="UTF-8"/>', "").encode("koi8-r")
    assert card_read(body, content_type="text/html; charset=KOI8-R") == MOS_GORSUD
    # ... and with nothing declared, the detector finds it among the charsets Russian sites use.
    assert card_read(body, content_type="text/html") == MOS_GORSUD


def test_a_meta_naming_windows_1251_on_a_page_saved_as_utf8_reads_as_utf8():
    body = card("sudrf-classic.html").decode("cp1251").encode("utf-8")
    assert META_1251 in body
    assert card_read(body, content_type="text/html") == SUDRF_CLASSIC


def test_a_utf8_card_with_a_byte_order_mark_or_an_xml_declaration_reads():
    assert card_read(b"\xef\xbb\xbf" + card("sudrf-newer.html")) == SUDRF_NEWER
    xml = b'<?xml version="1.0" encoding="windows-1251"?>\n'
    assert card_read(xml + card("sudrf-newer.html"), content_type="text/html; charset=utf-8") == SUDRF_NEWER


def test_a_utf8_card_with_a_stray_byte_reads_as_a_browser_shows_it():
    body = card("mos-gorsud.html").replace("Текущее состояние".encode(), b"\xff\xfe" + "Текущее состояние".encode())
    assert card_read(body, content_type="text/html; charset=utf-8") == MOS_GORSUD


@pytest.mark.parametrize(
    ("content_type", "charset"),
    [
        ("text/html; charset=windows-1251", "cp1251"),
        ('text/html;charset="Windows-1251"', "cp1251"),
        ("text/html; charset=utf-8", "utf-8"),
        ("text/html; charset=ISO-8859-1", "cp1252"),  # WHATWG: latin-1 labels are windows-1252
        ("text/html; charset=us-ascii", "cp1252"),
        ("text/html", None),
        ("text/html; charset=", None),
        ("text/html; charset=bogus-charset", None),
    ],
)
def test_the_header_charset(content_type, charset):
    assert charset_from_header(content_type) == charset


@pytest.mark.parametrize(
    ("head", "charset"),
    [
        (META_1251, "cp1251"),
        (b'<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=windows-1251">', "cp1251"),
        (META_UTF8, "utf-8"),
        (b"<meta charset='KOI8-R'/>", "koi8-r"),
        (b'<meta name="description" content="charset free">', None),
    ],
)
def test_the_meta_charset(head, charset):
    assert charset_from_meta(b"<html><head>" + head + b"</head></html>") == charset


def test_text_decode_picks_windows_1251_over_a_latin_1_header():
    text = text_decode(card("sudrf-classic.html"), content_type="text/html; charset=iso-8859-1")
    assert "ДЕЛО № 2а-4471/2026" in text
