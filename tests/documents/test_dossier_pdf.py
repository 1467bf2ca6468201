"""The Popova dossier rendered for real (WeasyPrint) and read back (pypdf, pikepdf)."""

import datetime as dt
import io
import re
from xml.etree import ElementTree

import pikepdf
import pypdf

from documents import services
from documents.dossier.chain_svg import chain_svg
from documents.dossier.content import dossier_content
from documents.dossier.render import dossier_pdf
from tests.documents.conftest import pdf_fonts, pdf_text


def _outline_titles(reader):
    titles = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                titles.append((depth, item.title))

    walk(reader.outline, 0)
    return titles


def test_russian_public_edition_reads_in_russian_with_every_glyph_embedded(popova):
    # given the Popova case
    # when its public dossier is rendered in Russian
    pdf = dossier_pdf(dossier_content(case=popova, edition="public", language="ru"))

    # then the labels are Russian and the court is named in Russian, Cyrillic extracted intact
    text = pdf_text(pdf)
    for expected in (
        "Досье дела",
        "Публичная версия: для распространения",
        "Савёловский районный суд г. Москвы",
        "Хронология",
        "Судебные заседания",
        "Решения и обжалование",
        "6 ноября 2019 г.",
        "В удовлетворении отказано",
        "Апелляционная жалоба",
        "Московский городской суд",
    ):
        assert expected in text, expected
    pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert f"Стр. 1 из {pages}" in text and f"Стр. {pages} из {pages}" in text
    assert "\ufffd" not in text  # no replacement characters: nothing missing
    # and every font is embedded (the PT fonts; no fallback that a reader would substitute)
    fonts = pdf_fonts(pdf)
    assert fonts and all(fonts.values()), fonts
    # and the text is set in the shipped PT Serif / PT Sans only: no glyph fell back to another font
    assert {re.sub(r"^/[A-Z]{6}\+", "", name) for name in fonts} <= {
        "PT-Serif-Dossier",
        "PT-Serif-Dossier-Bold",
        "PT-Serif-Dossier-Italic",
        "PT-Sans-Dossier",
        "PT-Sans-Dossier-Bold",
        "PT-Sans-Dossier-Italic",
        "PT-Mono-Dossier",
    }, fonts


def test_pdf_is_archival_pdfa_3b_tagged_with_metadata(popova):
    pdf = dossier_pdf(dossier_content(case=popova, edition="public", language="en"))

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        # PDF/A-3B identification in the XMP metadata
        meta = doc.open_metadata()
        assert (meta["pdfaid:part"], meta["pdfaid:conformance"]) == ("3", "B")
        # an output intent with an embedded ICC profile
        intents = doc.Root.OutputIntents
        assert len(intents) == 1
        assert intents[0].S == "/GTS_PDFA1" and "/DestOutputProfile" in intents[0]
        # tagged: a structure tree, marked content, the document language
        assert "/StructTreeRoot" in doc.Root
        assert doc.Root.MarkInfo.Marked is True
        assert str(doc.Root.Lang) == "en"

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert reader.metadata.title == "Popova v. Moscow (facial recognition at protests): case dossier, public edition"
    assert reader.metadata.author == "Digital Rights Litigation Desk (demo)"
    assert reader.metadata.subject.startswith("Dossier of the lawsuit Popova v. Moscow")
    assert reader.metadata["/Keywords"] == "CCTV, facial recognition, protest"


def test_sections_come_in_reading_order_with_toc_page_numbers_and_bookmarks(popova):
    pdf = dossier_pdf(dossier_content(case=popova, edition="internal", language="en"))
    text = pdf_text(pdf)
    reader = pypdf.PdfReader(io.BytesIO(pdf))

    # the text extracts in reading order: cover, contents, then the sections in order
    body = text[text.index("Contents") :]
    headings = [
        "Summary, claims and legal basis",
        "Parties",
        "Timeline",
        "Hearings",
        "Rulings and appeals",
        "Exhibits",
        "Sources and notes",
    ]
    after_toc = body[body.index("7. Sources and notes") + len("7. Sources and notes") :]
    positions = [after_toc.index(h) for h in headings]
    assert positions == sorted(positions)
    # the timeline is chronological: the 2018 facts (the fine known only to the year at its end,
    # as on the case page), filing, the hearing, the ruling
    timeline = after_toc[after_toc.index("What happened") :]
    order = [
        "Picket outside the State Duma",
        "Fined 20,000 RUB",
        "Administrative claim registered",
        "21 October 2019",
        "6 November 2019",
    ]
    assert [timeline.index(x) for x in order] == sorted(timeline.index(x) for x in order)
    # each row reads date, kind, what happened (the date and the kind are one text split by a tab)
    assert "21 October 2019 Hearing Merits hearing at Savyolovsky District Court of Moscow (held)" in timeline

    # the table of contents gives each section's real page
    for number, heading in enumerate(headings, start=1):
        match = re.search(rf"{number}\. {re.escape(heading)}[ .]+(\d+)", body)
        assert match, heading
        page = int(match.group(1))
        assert heading in reader.pages[page - 1].extract_text(), (heading, page)

    # every page says "Page X of Y"
    for number, page in enumerate(reader.pages, start=1):
        assert f"Page {number} of {len(reader.pages)}" in page.extract_text()

    # bookmarks: the title, then each section with its sub-sections
    top = [title for depth, title in _outline_titles(reader) if depth == 0]
    assert top == ["Popova v. Moscow (facial recognition at protests)", "Contents", *headings]


def test_hearings_show_the_courts_zone_and_the_chain_has_its_caption(popova):
    content = dossier_content(case=popova, edition="internal", language="en")
    pdf = dossier_pdf(content)
    text = pdf_text(pdf)

    # the court heads its hearings with its time zone; each row reads across its columns
    assert (
        "Date Time Courtroom, judge Kind Status "
        "Savyolovsky District Court of Moscow (Europe/Moscow) "
        "21 October 2019 time not confirmed — Merits Held"
    ) in text
    assert "Chain of instances: each box is a decision" in text


def test_chain_diagram_lists_each_instance_and_appeal_with_escaped_text(popova):
    content = dossier_content(case=popova, edition="internal", language="en")
    svg = chain_svg(content.chain, title="Chain <of> instances")

    root = ElementTree.fromstring(svg)  # noqa: S314 (our own output) well-formed XML: every text was escaped
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts == [
        "Savyolovsky District Court of Moscow",
        "6 November 2019: Dismissed",
        "Moscow City Court",
        "Planned (not yet filed)",
        "Appeal",
    ]
    assert root.get("aria-label") == "Chain <of> instances"


def test_exhibits_read_number_title_date_kind_size_then_the_checksum(popova):
    # given an exhibit whose title has stray whitespace (a tab is refused in a title: tracker/validation.py)
    document = services.document_add(
        case=popova,
        title=" Statement  of   claim ",
        file=io.BytesIO(b"claim text"),
        filename="claim.txt",
        date=dt.date(2019, 10, 2),
        is_public=True,
    )

    # when the dossier is rendered
    text = pdf_text(dossier_pdf(dossier_content(case=popova, edition="public", language="en")))

    # then its row reads across the columns (number and title are one text split by a tab), the
    # title on one line, then the checksum
    assert (
        "No. Title Date Kind Size "
        f"1 Statement of claim 2 October 2019 {document.get_kind_display()} 10 bytes SHA-256 {document.sha256}"
    ) in text


def test_a_case_without_parties_says_so_instead_of_an_empty_table(db):
    from tests.factories import CaseFactory

    case = CaseFactory(title="Nobody v. Nothing")
    for language, heading, said in (
        ("ru", "Стороны", "Стороны не указаны."),
        ("en", "Parties", "No parties recorded."),
    ):
        text = " ".join(
            pdf_text(dossier_pdf(dossier_content(case=case, edition="internal", language=language))).split()
        )
        # the section's heading is followed by the sentence, with no column heads over nothing
        assert f"{heading} {said}" in text, language
