import io
import re

import pikepdf
import pypdf
import pytest
from django.core.management import call_command

from cases.models import Case
from tracker.rate_limits import throttle_counts_reset


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test stores its files in its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def no_throttle_history():
    """The API's throttle counts requests in Redis, which outlives a test. Only the counts go:
    the same Redis database carries the Celery broker."""
    throttle_counts_reset()


@pytest.fixture
def popova(db):
    call_command("seed_demo", "--no-accounts", verbosity=0)
    return Case.objects.get(slug="popova-v-moscow")


def pdf_text(pdf: bytes) -> str:
    """The PDF's text as a reader copies it: hyphenation at line ends undone, spaces collapsed."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    text = re.sub(r"[\u2010\u00ad-]\n", "", text)
    return re.sub(r"\s+", " ", text)


def pdf_fonts(pdf: bytes) -> dict[str, bool]:
    """Every font used on any page (also inside form XObjects), and whether its file is embedded."""
    fonts: dict[str, bool] = {}
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            resources = [page.Resources]
            resources += [x.Resources for x in page.Resources.get("/XObject", {}).values() if "/Resources" in x]
            for res in resources:
                for font in res.get("/Font", {}).values():
                    descriptor = font.get("/FontDescriptor") or font.DescendantFonts[0].FontDescriptor
                    embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
                    fonts[str(font.BaseFont)] = embedded
    return fonts
