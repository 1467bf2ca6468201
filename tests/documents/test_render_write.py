"""`write_pdf` serializes each PDF object once (documents.dossier.render's finisher): pydyf,
asked for the identifier a PDF/A file needs, would otherwise serialize every object and
deflate every stream twice. The bytes written are the same either way."""

import io
from collections import Counter

import pikepdf
import pydyf
from weasyprint import HTML

from documents.dossier import render

HTML_TEXT = (
    '<html lang="en"><head><title>t</title><meta name="dcterms.created" content="2026-01-01T00:00:00+00:00">'
    "</head><body><h1>Title</h1><p>Text</p><ol><li>One</li><li>Two</li></ol></body></html>"
)


def _document():
    return HTML(string=HTML_TEXT, base_url=render.STATIC_BASE_URL, url_fetcher=render.RestrictedURLFetcher()).render(
        font_config=render.font_config(), pdf_variant=render.PDF_VARIANT, pdf_tags=True
    )


def test_each_stream_is_deflated_once_and_the_file_is_the_same(monkeypatch):
    document = _document()
    plain = document.write_pdf(pdf_variant=render.PDF_VARIANT, pdf_tags=True)

    # given a count of every serialization of the streams WeasyPrint made
    made: list[pydyf.Stream] = []  # the objects themselves: their ids must not be reused meanwhile
    serialized: Counter[int] = Counter()
    real_data = pydyf.Stream.data

    def counted(self):
        serialized[id(self)] += 1
        return real_data.fget(self)

    monkeypatch.setattr(pydyf.Stream, "data", property(counted))

    def finisher(document, pdf):
        made.extend(obj for obj in pdf.objects if isinstance(obj, pydyf.Stream))
        render._serialize_each_object_once(document, pdf)

    # when the same document is written with the finisher
    once = document.write_pdf(pdf_variant=render.PDF_VARIANT, pdf_tags=True, finisher=finisher)

    # then each of those streams was serialized exactly once, and the file is byte for byte the same
    assert made
    assert {serialized[id(stream)] for stream in made} == {1}
    assert once == plain
    # and it still carries the identifier PDF/A requires
    with pikepdf.open(io.BytesIO(once)) as pdf:
        assert len(pdf.trailer.ID) == 2


def test_dossier_html_to_pdf_uses_it(monkeypatch):
    calls = []
    real = render._serialize_each_object_once

    def spy(document, pdf):
        calls.append(len(pdf.objects))
        real(document, pdf)

    monkeypatch.setattr(render, "_serialize_each_object_once", spy)

    pdf = render.html_to_pdf(HTML_TEXT)

    assert pdf.startswith(b"%PDF-") and len(calls) == 1
