"""HTML and PDF for a dossier. Case text is typed by users, so:

- the template is rendered by Django with autoescape on (nothing in it is `|safe` except the
  chain SVG, whose every text is escaped in `chain_svg`);
- WeasyPrint fetches through `RestrictedURLFetcher`, which answers `data:` URLs and the
  project's own static files, read from disk, and refuses every other URL (file://, http(s)://
  to any host, including loopback and private addresses, ftp://...) without opening anything.

The PDF is PDF/A-3b (ISO 19005-3, level B: archivable, fonts embedded, an sRGB output intent,
XMP identification) and tagged (a structure tree, so screen readers and text extraction follow
the reading order).
"""

from __future__ import annotations

import contextlib
import gc
import logging
import posixpath
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pydyf
import weasyprint
import weasyprint.css
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from documents.dossier.chain_svg import chain_svg
from documents.dossier.content import DossierContent

logger = logging.getLogger(__name__)

# Relative URLs in a dossier resolve against this base. The .invalid top-level domain never
# resolves (RFC 2606), and the fetcher maps the prefix to files on disk: no request is made.
STATIC_BASE_URL = "https://tracker-static.invalid/static/"
PDF_VARIANT = "pdf/a-3b"


class RefusedURL(ValueError):
    pass


@dataclass
class RestrictedURLFetcher(URLFetcher):
    refused: list[str] = field(default_factory=list)
    served: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Only data: URLs ever reach the parent's opener (its DataHandler answers them).
        super().__init__(timeout=1, allowed_protocols={"data"}, allow_redirects=False, fail_on_errors=False)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if url.startswith(STATIC_BASE_URL):
            path = self._static_path(url)
            if path is not None:
                self.served.append(url)
                return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": _content_type(path)})
        self.refused.append(url)
        logger.warning("dossier: refused to fetch %s", url[:200])
        raise RefusedURL(f"Dossiers load only the project's static files and data: URLs, not {url[:200]}")

    def _static_path(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.query or parts.fragment:
            return None
        relative = unquote(parts.path).removeprefix("/static/")
        normalized = posixpath.normpath(relative)
        if normalized.startswith(("/", "..")) or "\\" in normalized or "\x00" in normalized:
            return None
        found = finders.find(normalized)
        if not found or isinstance(found, list):
            return None
        path = Path(found)
        return path if path.is_file() else None


def _content_type(path: Path) -> str:
    return {
        ".css": "text/css",
        ".svg": "image/svg+xml",
        ".png": "image/png",
        ".jpg": "image/jpeg",
        ".woff2": "font/woff2",
        ".ttf": "font/ttf",
    }.get(path.suffix.lower(), "application/octet-stream")


_find_style_attributes = weasyprint.css.find_style_attributes
_lang_hints: dict[tuple[str, str | None], tuple[Any, ...]] = {}


def _find_style_attributes_sharing_lang(
    tree: Any, presentational_hints: bool = False, base_url: Any = None
) -> Iterator:
    """WeasyPrint 70's `find_style_attributes`, with one parsed declaration per `lang` value.

    WeasyPrint computes one style for all elements that have the same parent style, match the
    same rules and carry the same attribute declarations (`StyleFor.__init__`'s
    `computed_cache`). It turns each `lang` attribute into a `-weasy-lang` declaration parsed
    anew for every element, and declarations compare by identity: an element with a `lang`
    never shares its style, nor does any of its descendants. A Russian dossier of an English
    case has one `<span lang="en">` per text (documents/templatetags/dossier_text.py), 870 in the
    large case: each got a style, boxes and text layouts of its own, a third of the render's
    CPU time (bench/RESULTS.md). Here an element whose only attribute declaration is its `lang`
    gets the one parsed declaration of that language, so elements equal in every other way
    share a style again; an element with a `style` attribute, an `id` or other hints is left as
    WeasyPrint made it. Equal styles lay out and draw the same: the PDF's bytes do not change."""
    group: list[tuple[Any, Any, Any, Any]] = []
    for item in _find_style_attributes(tree, presentational_hints, base_url):
        if group and item[1] is not group[0][1]:
            yield from _with_shared_lang(group)
            group = []
        group.append(item)
    yield from _with_shared_lang(group)


def _with_shared_lang(group: list[tuple[Any, Any, Any, Any]]) -> Iterator:
    if len(group) == 1:
        specificity, element, declarations, base_url = group[0]
        if len(declarations) == 1 and getattr(declarations[0], "lower_name", None) == "-weasy-lang":
            key = (element.get("lang"), base_url)
            shared = _lang_hints.setdefault(key, tuple(declarations))
            return iter([(specificity, element, shared, base_url)])
    return iter(group)


if weasyprint.__version__.split(".")[0] == "70":
    # Later versions may share these styles themselves, or name things otherwise: measure again.
    weasyprint.css.find_style_attributes = _find_style_attributes_sharing_lang


# Fonts are parsed once per process and reused by every render in a warm worker.
_font_config: FontConfiguration | None = None


def font_config() -> FontConfiguration:
    global _font_config
    if _font_config is None:
        _font_config = FontConfiguration()
    return _font_config


def dossier_html(content: DossierContent, *, generated_at: Any = None) -> str:
    with translation.override(content.language):
        context = content.as_dict()
        generated = timezone.localtime(generated_at or timezone.now())
        context.update(
            generated_at=generated,
            chain_svg=chain_svg(content.chain, title=translation.pgettext("dossier", "Chain of instances")),
            is_public=content.edition == "public",
            date_not_known=translation.pgettext("dossier", "date not known"),
        )
        return render_to_string("documents/dossier.html", context)


# WeasyPrint's steps ("Step 5 - Creating layout - Page 3") as a share of the whole render.
_STEP_PERCENT = {"1": 32, "2": 35, "3": 40, "4": 45, "5": 50, "6": 85, "7": 92}


class _ProgressHandler(logging.Handler):
    def __init__(self, on_progress: Callable[[int], None]) -> None:
        super().__init__(level=logging.INFO)
        self.on_progress = on_progress
        self.last = 0

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not message.startswith("Step "):
            return
        percent = _STEP_PERCENT.get(message[5:6], self.last)
        if message.startswith("Step 5") and "Page " in message:
            # Layout is the long part: creep towards 80 % page by page.
            percent = min(80, 50 + 2 * int(message.rsplit("Page ", 1)[1].split()[0]))
        if percent >= self.last + 5:
            self.last = percent
            self.on_progress(percent)


@contextlib.contextmanager
def without_cyclic_gc() -> Iterator[None]:
    """WeasyPrint holds a render's whole box tree (hundreds of thousands of objects for a large
    case) while it lays out and draws; each full pass of Python's cycle collector walks all of
    it, a large part of a large case's CPU time (bench/RESULTS.md). Reference counting frees
    most garbage as it goes; what it cannot (the layout's styles and boxes hang from reference
    cycles) is collected when the collector is back on, best after the dossier is stored, so
    that nobody waits for that; nested uses leave it as they found it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Serialized(pydyf.Object):
    """A PDF object whose bytes were computed once: stands in for it when the file is written."""

    def __init__(self, original: pydyf.Object) -> None:
        super().__init__()
        self.number, self.generation, self.offset, self.free = (
            original.number,
            original.generation,
            original.offset,
            original.free,
        )
        self._compressible = original.compressible
        self._data = original.data

    @property
    def data(self) -> bytes:
        return self._data

    @property
    def compressible(self) -> bool:
        return self._compressible


def _serialize_each_object_once(document: Any, pdf: pydyf.PDF) -> None:
    """`write_pdf`'s finisher. A PDF/A file needs an identifier, and pydyf computes it as the
    MD5 of every object's bytes before writing those bytes out: each object was serialized,
    and each stream deflated at level 9, twice. Done once here instead, when the document is
    complete (bench/RESULTS.md), and the bytes are the same."""
    for index, pdf_object in enumerate(pdf.objects):
        if pdf_object.free != "f":
            pdf.objects[index] = _Serialized(pdf_object)


def html_to_pdf(
    html: str,
    *,
    fetcher: RestrictedURLFetcher | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> bytes:
    fetcher = fetcher or RestrictedURLFetcher()
    progress_logger = logging.getLogger("weasyprint.progress")
    handler = _ProgressHandler(on_progress) if on_progress else None
    if handler:
        progress_logger.addHandler(handler)
    try:
        with without_cyclic_gc():
            document = HTML(string=html, base_url=STATIC_BASE_URL, url_fetcher=fetcher).render(
                font_config=font_config(), pdf_variant=PDF_VARIANT, pdf_tags=True
            )
            pdf = document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True, finisher=_serialize_each_object_once)
            del document
    finally:
        if handler:
            progress_logger.removeHandler(handler)
    assert pdf is not None  # noqa: S101 (write_pdf without a target returns the bytes)
    return pdf


def dossier_pdf(content: DossierContent, *, on_progress: Callable[[int], None] | None = None) -> bytes:
    html = dossier_html(content)
    if on_progress:
        on_progress(30)
    return html_to_pdf(html, on_progress=on_progress)
