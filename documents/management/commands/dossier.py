"""python manage.py dossier <case-slug> --edition public --lang ru --out popova.pdf

Renders in this process (no worker needed) through the same services as the web and the
API: the PDF is stored as a document of the case, and an unchanged case is not rendered
again. --out copies it where you want it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.models import Case
from documents import services
from documents.models import Dossier
from tracker.storage import storage_chunks


class Command(BaseCommand):
    help = "Render a case's PDF dossier (stored as a document of the case) and write it to a file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="The case's slug, e.g. popova-v-moscow.")
        parser.add_argument("--edition", choices=Dossier.Edition.values, default=Dossier.Edition.PUBLIC)
        parser.add_argument("--lang", choices=Dossier.Language.values, default=Dossier.Language.EN)
        parser.add_argument("--out", help="Where to write the PDF ('-' for standard output).")

    def handle(self, *args: Any, **options: Any) -> None:
        case = Case.objects.filter(slug=options["slug"]).first()
        if case is None:
            raise CommandError(f"There is no case with the slug {options['slug']!r} (see the admin's case list).")
        out = options["out"]
        if out and out != "-" and not Path(out).resolve().parent.is_dir():
            raise CommandError(f"Cannot write {out}: the folder {Path(out).resolve().parent} does not exist.")
        dossier, created = services.dossier_request(
            case=case, edition=options["edition"], language=options["lang"], enqueue=False
        )
        if dossier.state != Dossier.State.READY:
            dossier = services.dossier_render(dossier_id=dossier.pk) or dossier
        if dossier.state != Dossier.State.READY or dossier.document is None:
            raise CommandError(dossier.error or f"The dossier is {dossier.state}; try again in a moment.")
        document = dossier.document
        note = "rendered" if created else "unchanged since the last render, reused"
        # Through the storage (the local folder or the shared bucket), never a local path.
        chunks = storage_chunks(document.file.storage, document.file.name)
        if out == "-":
            for chunk in chunks:
                sys.stdout.buffer.write(chunk)
            return
        if out:
            with open(out, "wb") as target:
                for chunk in chunks:
                    target.write(chunk)
        self.stdout.write(
            f"Dossier of {case} ({dossier.edition} edition, {dossier.language}) {note}: "
            f"{out or 'stored as ' + document.file.name}, {document.size} bytes, SHA-256 {document.sha256}"
        )
