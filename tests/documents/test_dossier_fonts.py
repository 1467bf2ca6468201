"""Dossiers are set in the fonts that ship with the project, whatever the machine has installed,
and a change to those fonts renders dossiers afresh."""

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pikepdf

from documents.dossier import layout
from documents.dossier.content import dossier_content
from documents.dossier.render import dossier_html
from tests.documents.conftest import pdf_fonts, pdf_text

REPO = Path(__file__).resolve().parents[2]

RENDER = """
import sys, django
django.setup()
from documents.dossier.render import html_to_pdf
sys.stdout.buffer.write(html_to_pdf(sys.stdin.read()))
"""


def _render_without_system_fonts(html: str, tmp_path: Path) -> bytes:
    """html_to_pdf in a process whose Fontconfig knows no font at all (a machine without PT, DejaVu
    or any other font installed): only what the dossier loads by path can set its text."""
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<fontconfig><cachedir>' + str(tmp_path / "fc") + "</cachedir></fontconfig>\n"
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(config), "DJANGO_SETTINGS_MODULE": "tracker.settings_test"}
    result = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", RENDER],
        input=html.encode(),
        capture_output=True,
        cwd=REPO,
        env=env,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    return result.stdout


def test_a_machine_without_any_font_installed_makes_the_same_pt_serif_and_pt_sans_dossier(popova, tmp_path):
    html = dossier_html(dossier_content(case=popova, edition="public", language="ru"))

    pdf = _render_without_system_fonts(html, tmp_path)

    fonts = pdf_fonts(pdf)
    names = {re.sub(r"^/[A-Z]{6}\+", "", name) for name in fonts}
    # the text is set in the shipped files (loaded under family names of their own, which the PDF
    # names them by), every one embedded
    shipped = {"PT-Serif-Dossier", "PT-Sans-Dossier", "PT-Mono-Dossier"}
    shipped |= {f"{family}-{style}" for family in shipped for style in ("Bold", "Italic", "Bold-Italic")}
    assert names <= shipped, fonts
    assert {"PT-Serif-Dossier", "PT-Sans-Dossier", "PT-Sans-Dossier-Bold"} <= names, fonts
    assert all(fonts.values()), fonts
    text = pdf_text(pdf)
    assert "Савёловский районный суд г. Москвы" in text and "\ufffd" not in text


def test_the_chain_figure_has_alternative_text_in_the_editions_language(popova):
    from documents.dossier.render import dossier_pdf

    for language, expected in (
        (
            "en",
            "Chain of instances: Savyolovsky District Court of Moscow, 6 November 2019: Dismissed → Moscow City Court",
        ),
        ("ru", "Цепочка инстанций: Савёловский районный суд г. Москвы"),
    ):
        pdf = dossier_pdf(dossier_content(case=popova, edition="public", language=language))
        with pikepdf.open(io.BytesIO(pdf)) as doc:
            figures = []
            stack = [doc.Root.StructTreeRoot]
            while stack:
                node = stack.pop()
                if isinstance(node, pikepdf.Dictionary) and node.get("/S") == "/Figure":
                    figures.append(node)
                kids = node.get("/K") if isinstance(node, pikepdf.Dictionary) else None
                if isinstance(kids, pikepdf.Array):
                    stack.extend(kid for kid in kids if isinstance(kid, pikepdf.Dictionary))
                elif isinstance(kids, pikepdf.Dictionary):
                    stack.append(kids)
        assert len(figures) == 1, language
        assert str(figures[0].Alt).startswith(expected), (language, str(figures[0].Alt))


def test_the_shipped_fonts_are_part_of_the_layout_digest():
    files = layout.layout_files()
    fonts = sorted(path.name for path in files if path.suffix == ".ttf")
    assert fonts == sorted(path.name for path in layout.FONTS_DIR.glob("*.ttf"))
    assert "PT_Serif-Web-Regular.ttf" in fonts and "PT_Sans-Web-Bold.ttf" in fonts and "PT_Mono-Regular.ttf" in fonts
    assert any(path.name == "dossier.css" for path in files)
