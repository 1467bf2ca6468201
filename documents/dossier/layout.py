"""What presents a dossier's content: the template, the stylesheet, the fonts and the compiled
translations.

Both the data fingerprint and the content hash include this digest, so a deployment that
changes the layout or a wording makes new PDFs even for an unchanged case, instead of handing
out the PDF the old layout made (found by rendering after a translation was added: the request
missed the fingerprint, then matched the old PDF by its content hash alone).
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from django.conf import settings

DOCUMENTS_DIR = Path(__file__).resolve().parent.parent
FONTS_DIR = DOCUMENTS_DIR / "static" / "documents" / "fonts"


def layout_files() -> list[Path]:
    files = sorted((DOCUMENTS_DIR / "templates" / "documents").glob("dossier.*"))
    files += sorted(FONTS_DIR.glob("*.ttf"))
    for root in [DOCUMENTS_DIR / "locale", *map(Path, settings.LOCALE_PATHS)]:
        files += sorted(root.glob("*/LC_MESSAGES/*.mo"))
    return files


@functools.cache
def layout_digest() -> str:
    """Read once per process (a deployment restarts its processes)."""
    digest = hashlib.sha256()
    for path in layout_files():
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
