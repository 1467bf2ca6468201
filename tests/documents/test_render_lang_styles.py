"""Elements marked with the same `lang` share one computed style in the render, as WeasyPrint
shares the styles of elements without one (documents.dossier.render's
`_find_style_attributes_sharing_lang`): a Russian dossier of an English case has one
`<span lang="en">` per text. The PDF's bytes are those WeasyPrint writes without the sharing."""

import weasyprint.css
from weasyprint import HTML

from documents.dossier import render

HTML_TEXT = (
    '<html lang="ru"><head><title>t</title><meta name="dcterms.created" content="2026-01-01T00:00:00+00:00">'
    "<style>p { text-align: justify; hyphens: auto } .lang-note { color: #555; font-size: 0.9em }</style>"
    "</head><body><ol>"
    + "".join(
        f'<li>{day} января 2015 г. <span lang="en">Event {day}: a procedural step with a title of ordinary length'
        '</span> <span class="lang-note">(на английском)</span></li>'
        for day in range(1, 31)
    )
    + '</ol><p>Короткий абзац. <span lang="en">An English sentence in a justified, hyphenated paragraph, long '
    'enough to be broken into lines.</span></p><p><span lang="en" style="color: red">Red</span> '
    '<span lang="en" id="anchor">Anchored</span> <span lang="fr">Français</span></p></body></html>'
)


def _spans(document):
    found = {}

    def walk(box):
        element = getattr(box, "element", None)
        if box.element_tag == "span" and element is not None and element.get("lang"):
            found.setdefault(element.text, box)
        for child in getattr(box, "children", ()):
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return found


def _document():
    return HTML(string=HTML_TEXT, base_url=render.STATIC_BASE_URL, url_fetcher=render.RestrictedURLFetcher()).render(
        font_config=render.font_config(), pdf_variant=render.PDF_VARIANT, pdf_tags=True
    )


def test_spans_with_the_same_lang_share_one_style_and_others_keep_their_own():
    assert weasyprint.css.find_style_attributes is render._find_style_attributes_sharing_lang

    spans = _spans(_document())

    events = [box for text, box in spans.items() if text.startswith("Event ")]
    assert len(events) == 30
    assert len({id(box.style) for box in events}) == 1
    assert events[0].style["lang"] == "en"
    # a style attribute, an id or another language: a style of their own, as before
    red, anchored, french = spans["Red"], spans["Anchored"], spans["Français"]
    assert red.style["color"] != anchored.style["color"]
    assert anchored.style["anchor"] == "anchor"
    assert french.style["lang"] == "fr"
    assert len({id(red.style), id(anchored.style), id(french.style), id(events[0].style)}) == 4


def test_the_pdf_is_the_same_bytes_as_without_the_sharing(monkeypatch):
    shared = _document().write_pdf(pdf_variant=render.PDF_VARIANT, pdf_tags=True)

    monkeypatch.setattr(weasyprint.css, "find_style_attributes", render._find_style_attributes)
    spans = _spans(document := _document())
    events = [box for text, box in spans.items() if text.startswith("Event ")]
    assert len({id(box.style) for box in events}) == 30  # WeasyPrint's own: one style each
    unshared = document.write_pdf(pdf_variant=render.PDF_VARIANT, pdf_tags=True)

    assert shared == unshared
