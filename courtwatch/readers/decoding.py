"""A card's bytes as text: the charset the server declared (HTTP header, then the page's <meta>),
checked against the bytes, else a detector's guess.

sudrf.ru's classic cards are windows-1251 and usually say so only in a <meta>; proxies and
misconfigured servers add a charset to the HTTP header that is not the page's. Declarations are
therefore taken in order but each must decode the bytes, and a disagreement between two that both
decode is settled by charset-normalizer (a maintained detector that scores the decoded text for
the language's coherence) rather than by trusting the header blindly.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer
from django.utils.translation import gettext_noop

from courtwatch.reading import CardUnreadable, words

# WHATWG's prescan reads the first 1024 bytes; real pages put <meta> after long <title>s or
# comments, so look a little further.
_META_CHARSET = re.compile(rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)
_META_PRESCAN_BYTES = 4096
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)

# What a Russian court's page can be in, when nothing is declared: the detector chooses among
# these only (a free guess over every codec picks e.g. mac_cyrillic for short windows-1251 pages).
_RUSSIAN_CHARSETS = ["utf_8", "cp1251", "koi8_r", "cp866", "iso8859_5", "mac_cyrillic"]

_STRAY_BYTES_TOLERATED = 16

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _codec_name(label: str) -> str | None:
    """Python's canonical codec name for a charset label, or None when Python knows no such one.
    WHATWG treats "iso-8859-1", "latin1" and "ascii" as windows-1252, as browsers do."""
    try:
        name = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None
    return "cp1252" if name in {"latin-1", "iso8859-1", "ascii"} else name


def charset_from_header(content_type: str) -> str | None:
    match = _HEADER_CHARSET.search(content_type or "")
    return _codec_name(match.group(1)) if match else None


def charset_from_meta(body: bytes) -> str | None:
    match = _META_CHARSET.search(body, 0, _META_PRESCAN_BYTES)
    return _codec_name(match.group(1).decode("ascii")) if match else None


def _decodes(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def text_decode(body: bytes, *, content_type: str = "") -> str:
    """`body` as text. A byte-order mark wins; then a body that is valid UTF-8 beyond ASCII is
    UTF-8, whatever is declared (windows-1251 or KOI8-R Russian text is practically never valid
    UTF-8, so a declaration saying otherwise is the wrong one); then the HTTP header's charset and
    the <meta>'s, each only if it decodes the bytes, a disagreement between them settled by the
    detector; then declared UTF-8 with a few stray bytes replaced; then the detector alone.
    CardUnreadable("layout") when nothing decodes."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            text = _decodes(body, codec)
            if text is not None:
                return text
    if body.isascii():
        return body.decode("ascii")
    as_utf8 = _decodes(body, "utf-8")
    if as_utf8 is not None:
        return as_utf8

    declared_all = [c for c in (charset_from_header(content_type), charset_from_meta(body)) if c]
    declared = [c for c in declared_all if c != "utf-8"]
    decoding = {c: decoded for c in dict.fromkeys(declared) if (decoded := _decodes(body, c)) is not None}
    if len(decoding) == 1:
        return next(iter(decoding.values()))
    if len(decoding) > 1:
        best = charset_normalizer.from_bytes(body, cp_isolation=list(decoding)).best()
        chosen = _codec_name(best.encoding) if best is not None else None
        # When the detector cannot choose, the first declaration (the header), as a browser would.
        return decoding.get(chosen or "", next(iter(decoding.values())))

    if "utf-8" in declared_all:
        # Declared UTF-8 and UTF-8 but for a few stray bytes (a corrupt byte, a cut last
        # character): read as a browser would. Thousands of them: the declaration is wrong.
        text = body.decode("utf-8", "replace")
        if text.count("\ufffd") <= _STRAY_BYTES_TOLERATED:
            return text

    best = charset_normalizer.from_bytes(body, cp_isolation=_RUSSIAN_CHARSETS).best()
    if best is None:
        raise CardUnreadable("layout", words(gettext_noop("the page's bytes are in no encoding a court's site uses")))
    return str(best)
