"""What presents a dossier's content: the template, the stylesheet and the compiled translations.

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


@functools.cache
def layout_digest() -> str:
    """Read once per process (a deployment restarts its processes)."""
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent.parent
    files = sorted((here / "templates" / "documents").glob("dossier.*"))
    for root in [here / "locale", *map(Path, settings.LOCALE_PATHS)]:
        files += sorted(root.glob("*/LC_MESSAGES/*.mo"))
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
