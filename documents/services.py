"""Every write to documents and dossiers goes through here.

Storing a file computes its SHA-256 in the same pass that writes it, so a file of any size is
read once and never held in memory whole.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import mimetypes
from collections.abc import Iterator
from io import BytesIO
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case
from changes.services import change_record
from documents.dossier.content import dossier_content
from documents.dossier.fingerprint import dossier_fingerprint
from documents.dossier.render import dossier_pdf
from documents.models import Document, Dossier
from documents.selectors import document_is_public
from tracker.storage import storage_sha256
from tracker.validation import record_input_validate, today_anywhere

logger = logging.getLogger(__name__)

Actor = User | AnonymousUser | None
CHUNK = 64 * 1024


def _user_or_none(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None


class _HashingFile(File):
    """A file whose bytes are hashed and counted as the storage reads them: the filesystem
    storage reads through `chunks()`, the S3 storage through `read()`; either starts over from a
    seek to 0 (a retry). A read that is not in order (a storage that jumps around) is noted, and
    the caller hashes the stored copy instead."""

    def __init__(self, file: IO[bytes], name: str) -> None:
        super().__init__(file, name=name)
        self.source = file
        self.sha256 = hashlib.sha256()
        self.bytes_read = 0
        self.in_order = True
        self._position = 0

    def seek(self, offset: int, whence: int = 0) -> int:
        position = self.source.seek(offset, whence)
        if position == 0:
            self.sha256 = hashlib.sha256()
            self.bytes_read = 0
            self.in_order = True
        self._position = position
        return position

    def read(self, size: int = -1) -> bytes:
        chunk = self.source.read(size)
        if self._position != self.bytes_read:
            self.in_order = False
        self.sha256.update(chunk)
        self.bytes_read += len(chunk)
        self._position += len(chunk)
        return chunk

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        return super().chunks(chunk_size or CHUNK)

    def __iter__(self) -> Iterator[bytes]:
        return self.chunks()


DOCUMENT_FIELDS = ("title", "kind", "date", "is_public", "description", "notes")


def _document_validate(document: Document) -> None:
    record_input_validate(Document, {name: getattr(document, name) for name in DOCUMENT_FIELDS})
    if document.date and document.date > today_anywhere():
        raise ValidationError({"date": _("A document cannot be dated in the future.")})
    if document.is_public and not document.case.is_public:
        raise ValidationError({"is_public": _("A private case has no public documents; make the case public first.")})


@transaction.atomic
def document_add(
    *,
    case: Case,
    title: str,
    file: IO[bytes],
    filename: str,
    kind: str = Document.Kind.EXHIBIT,
    date: dt.date | None = None,
    is_public: bool = False,
    description: str = "",
    notes: str = "",
    content_type: str = "",
    actor: Actor = None,
) -> Document:
    """Store a file as a document of the case, with its SHA-256 and size."""
    if not title.strip():
        raise ValidationError({"title": _("A document needs a title.")})
    document = Document(
        case=case,
        title=title.strip(),
        kind=kind,
        date=date,
        is_public=is_public,
        description=description,
        notes=notes,
        original_name=filename[:255],
        content_type=content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream",
        uploaded_by=_user_or_none(actor),
        sha256="0" * 64,  # replaced below, once the file is written
        size=0,
    )
    _document_validate(document)
    hashing = _HashingFile(file, name=filename)
    document.file.save(filename, hashing, save=False)
    if hashing.in_order:
        document.sha256, document.size = hashing.sha256.hexdigest(), hashing.bytes_read
    else:
        document.sha256, document.size = storage_sha256(document.file.storage, document.file.name)
    # A rollback after this point leaves the file without a row: harmless (it is never served,
    # nothing links to it), and cheaper than a second copy through a temporary file.
    document.full_clean(exclude=["file"])
    document._history_user = _user_or_none(actor)  # type: ignore[attr-defined]
    document.save()
    change_record(instance=document, op="upsert", audience_public=document_is_public(document))  # same transaction
    return document


@transaction.atomic
def document_update(
    *, document: Document, actor: Actor = None, expected_version: int | None = None, **fields: Any
) -> Document:
    unknown = sorted(set(fields) - set(DOCUMENT_FIELDS))
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    current = Document.objects.select_for_update().get(pk=document.pk)
    if expected_version is not None and current.version != expected_version:
        raise ValidationError(
            _(
                "The document was changed by someone else (your copy is version %(expected)s, "
                "the current one is %(current)s). Reload it and apply your change again."
            )
            % {"expected": expected_version, "current": current.version}
        )
    was_public = document_is_public(current)
    for name, value in fields.items():
        setattr(current, name, value)
    _document_validate(current)
    current.full_clean(exclude=["file"])
    current.version += 1
    current._history_user = _user_or_none(actor)  # type: ignore[attr-defined]
    current.save()
    # Outsiders hear of it if they saw it before or see it now: a document made private reaches
    # them as a delete (the feed resolves each reader's view at read time).
    change_record(instance=current, op="upsert", audience_public=was_public or document_is_public(current))
    return current


@transaction.atomic
def document_delete(*, document: Document, actor: Actor = None) -> None:
    name = document.file.name
    storage = document.file.storage
    document._history_user = _user_or_none(actor)  # type: ignore[attr-defined]
    change_record(instance=document, op="delete", audience_public=document_is_public(document))  # before the delete
    document.delete()
    # The file goes only once the row is gone for good.
    transaction.on_commit(lambda: storage.delete(name))


# --- Dossiers -------------------------------------------------------------------------------

LIVE_STATES = (Dossier.State.QUEUED, Dossier.State.RENDERING, Dossier.State.READY)


def _stale_before() -> dt.datetime:
    """A dossier still 'rendering' after the hard time limit lost its worker (killed for time or
    memory, or the machine went down): it is failed and may be asked for again."""
    return timezone.now() - dt.timedelta(seconds=settings.DOSSIER_TIME_LIMIT + 30)


def _dossier_validate(*, edition: str, language: str) -> None:
    errors = {}
    if edition not in Dossier.Edition.values:
        errors["edition"] = _("Choose one of: %(choices)s.") % {"choices": ", ".join(Dossier.Edition.values)}
    if language not in Dossier.Language.values:
        errors["language"] = _("Choose one of: %(choices)s.") % {"choices": ", ".join(Dossier.Language.values)}
    if errors:
        raise ValidationError(errors)


def _dossiers_live(*, case: Case, edition: str, language: str) -> QuerySet[Dossier]:
    """Dossiers that answer a request: ready (with their PDF), or queued or being rendered by a
    worker that is still within its time limit."""
    return (
        Dossier.objects.filter(case=case, edition=edition, language=language, state__in=LIVE_STATES)
        .exclude(state=Dossier.State.READY, document__isnull=True)
        .exclude(state=Dossier.State.RENDERING, started_at__lt=_stale_before())
        .select_related("document")
        .order_by("-created_at", "-id")
    )


def dossier_request(
    *, case: Case, edition: str, language: str, actor: Actor = None, enqueue: bool = True
) -> tuple[Dossier, bool]:
    """Ask for a dossier. Returns (dossier, created): an unchanged case gets the dossier already
    made (or being made) from the same data; otherwise a new one is queued for a worker.

    An unchanged case is answered from the data fingerprint in two queries; only when the
    fingerprint is new is the content built, to compare its hash.

    Who may ask for which edition is the caller's check (`selectors.dossier_edition_allowed`)."""
    _dossier_validate(edition=edition, language=language)
    fingerprint = dossier_fingerprint(case=case, edition=edition, language=language)
    existing = _dossiers_live(case=case, edition=edition, language=language).filter(data_fingerprint=fingerprint)
    found = existing.first()
    if found is not None:
        return found, False
    return _dossier_request_by_content(case=case, edition=edition, language=language, actor=actor, enqueue=enqueue)


@transaction.atomic
def _dossier_request_by_content(
    *, case: Case, edition: str, language: str, actor: Actor, enqueue: bool
) -> tuple[Dossier, bool]:
    from documents.tasks import dossier_render_task

    # One request at a time per case: two clicks on "Generate" make one dossier, not two.
    case = Case.objects.select_for_update().get(pk=case.pk)
    # The fingerprint is read before the content, so it is never newer than what it vouches for.
    dossiers_fail_stale(case=case)
    fingerprint = dossier_fingerprint(case=case, edition=edition, language=language)
    content_hash = dossier_content(case=case, edition=edition, language=language).content_hash()
    existing = _dossiers_live(case=case, edition=edition, language=language).filter(content_hash=content_hash).first()
    if existing is not None:
        # The data changed in a way this edition does not show (e.g. a private note in the
        # public edition): the next request is answered from the fingerprint again.
        Dossier.objects.filter(pk=existing.pk).update(data_fingerprint=fingerprint)
        existing.data_fingerprint = fingerprint
        return existing, False
    dossier = Dossier.objects.create(
        case=case,
        edition=edition,
        language=language,
        content_hash=content_hash,
        data_fingerprint=fingerprint,
        requested_by=_user_or_none(actor),
    )
    if enqueue:
        dossier_render_task.delay_on_commit(dossier.pk)
    return dossier, True


def dossiers_fail_stale(*, case: Case | None = None) -> int:
    """Mark failed the renders still 'rendering' past the hard time limit (their worker died:
    killed for time or memory, or the machine went down), so that users see a sentence and
    may ask again. Run by beat every few minutes, and for its case by a new request. Returns how
    many were failed."""
    stale = Dossier.objects.filter(state=Dossier.State.RENDERING, started_at__lt=_stale_before())
    if case is not None:
        stale = stale.filter(case=case)
    return stale.update(
        state=Dossier.State.FAILED,
        error="The render stopped without finishing (the worker was lost). Ask for the dossier again.",
        finished_at=timezone.now(),
    )


def _dossier_claim(dossier_id: int) -> Dossier | None:
    with transaction.atomic():
        dossier = (
            Dossier.objects.select_for_update(skip_locked=True)
            .filter(pk=dossier_id)
            .filter(Q(state=Dossier.State.QUEUED) | Q(state=Dossier.State.RENDERING, started_at__lt=_stale_before()))
            .first()
        )
        if dossier is None:
            return None
        dossier.state = Dossier.State.RENDERING
        dossier.started_at = timezone.now()
        dossier.attempts += 1
        dossier.progress = 5
        dossier.error = ""
        dossier.save(update_fields=["state", "started_at", "attempts", "progress", "error"])
        return dossier


def _dossier_progress(dossier: Dossier, percent: int) -> None:
    # Its own short write, committed at once, so the status page and the API see it move.
    Dossier.objects.filter(pk=dossier.pk, state=Dossier.State.RENDERING).update(progress=percent)
    dossier.progress = percent


def dossier_filename(dossier: Dossier) -> str:
    return f"{dossier.case.slug}-dossier-{dossier.edition}-{dossier.language}.pdf"


def _dossier_title(dossier: Dossier) -> str:
    edition = "public" if dossier.edition == Dossier.Edition.PUBLIC else "internal"
    return f"Dossier ({edition} edition, {dossier.get_language_display()})"


def dossier_render(*, dossier_id: int) -> Dossier | None:
    """Render a queued dossier into a PDF document of the case. Safe to run twice: a dossier
    that is ready, failed or being rendered by another worker is left alone.

    Not one transaction: a render takes seconds, and its progress must be visible while it
    runs. Each step (claim, progress, store) is its own atomic write."""
    dossier = _dossier_claim(dossier_id)
    if dossier is None:
        return Dossier.objects.filter(pk=dossier_id).first()
    try:
        case = Case.objects.get(pk=dossier.case_id)
        # Read before the content (see dossier_request): never newer than the PDF.
        fingerprint = dossier_fingerprint(case=case, edition=dossier.edition, language=dossier.language)
        content = dossier_content(case=case, edition=dossier.edition, language=dossier.language)
        _dossier_progress(dossier, 20)
        pdf = dossier_pdf(content, on_progress=lambda percent: _dossier_progress(dossier, percent))
        with transaction.atomic():
            document = document_add(
                case=case,
                title=_dossier_title(dossier),
                file=BytesIO(pdf),
                filename=dossier_filename(dossier),
                kind=Document.Kind.DOSSIER,
                date=timezone.localdate(),
                is_public=dossier.edition == Dossier.Edition.PUBLIC and case.is_public,
                content_type="application/pdf",
                actor=dossier.requested_by,
            )
            # The data may have changed between the request and the render: record what the
            # PDF was really made from.
            Dossier.objects.filter(pk=dossier.pk).update(
                state=Dossier.State.READY,
                progress=100,
                document=document,
                content_hash=content.content_hash(),
                data_fingerprint=fingerprint,
                finished_at=timezone.now(),
            )
    except Exception as exc:  # noqa: BLE001 (any failure becomes a sentence on the row; the worker lives on)
        _dossier_fail(dossier, exc)
    dossier.refresh_from_db()
    return dossier


def _dossier_fail(dossier: Dossier, exc: BaseException) -> None:
    from celery.exceptions import SoftTimeLimitExceeded

    if isinstance(exc, SoftTimeLimitExceeded):
        message = f"The render took longer than {settings.DOSSIER_SOFT_TIME_LIMIT} seconds and was stopped."
    elif isinstance(exc, MemoryError):
        message = f"The render needed more than {settings.DOSSIER_MEMORY_LIMIT_MB} MB of memory and was stopped."
    elif isinstance(exc, Case.DoesNotExist):
        message = "The case was deleted before its dossier could be made."
    else:
        message = "The dossier could not be rendered; the error was logged for the administrators."
    logger.exception("dossier %s failed: %s", dossier.pk, message)
    Dossier.objects.filter(pk=dossier.pk).update(state=Dossier.State.FAILED, error=message, finished_at=timezone.now())
