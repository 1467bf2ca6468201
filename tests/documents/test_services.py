import hashlib
import io
import os

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from actions import cases as case_actions
from documents import services
from documents.models import Document, Dossier
from documents.tasks import memory_budget
from tests.factories import CaseFactory


class ChunkCountingFile(io.BytesIO):
    """Counts how much is read at once: a stored file must be streamed, never read whole."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.largest_read = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.largest_read = max(self.largest_read, len(chunk))
        return chunk


def test_document_add_streams_the_file_and_records_sha256_and_size(db, media_root):
    # given a case and a 3 MB file
    case = CaseFactory()
    data = os.urandom(3 * 1024 * 1024 + 17)
    upload = ChunkCountingFile(data)

    # when it is added as a document
    document = services.document_add(case=case, title=" Protocol of the hearing ", file=upload, filename="protocol.pdf")

    # then its hash and size are those of the bytes, it was read in chunks, and it is stored
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.size == len(data)
    assert upload.largest_read <= 64 * 1024
    assert document.title == "Protocol of the hearing"
    assert document.content_type == "application/pdf"
    assert document.version == 1
    assert document.history.count() == 1
    with document.file.open("rb") as stored:
        assert stored.read() == data
    assert str(media_root) in document.file.path


def test_document_add_refuses_a_public_document_of_a_private_case(db):
    case = CaseFactory(is_public=False)

    with pytest.raises(ValidationError) as error:
        services.document_add(case=case, title="Claim", file=io.BytesIO(b"x"), filename="c.txt", is_public=True)

    assert error.value.message_dict == {
        "is_public": ["A private case has no public documents; make the case public first."]
    }
    assert Document.objects.count() == 0


def test_document_delete_removes_the_file_after_commit(db, django_capture_on_commit_callbacks):
    document = services.document_add(case=CaseFactory(), title="Claim", file=io.BytesIO(b"x"), filename="c.txt")
    path = document.file.path

    with django_capture_on_commit_callbacks(execute=True):
        services.document_delete(document=document)

    assert not os.path.exists(path)
    assert Document.objects.count() == 0


def test_dossier_request_queues_once_and_an_unchanged_case_gets_the_same_dossier(
    popova, django_capture_on_commit_callbacks
):
    # when the same dossier is asked for twice
    with django_capture_on_commit_callbacks() as callbacks:
        first, created_first = services.dossier_request(case=popova, edition="public", language="ru")
        second, created_second = services.dossier_request(case=popova, edition="public", language="ru")

    # then one job is queued, and the second request gets it
    assert (created_first, created_second) == (True, False)
    assert second.pk == first.pk
    assert len(callbacks) == 1  # one task enqueued, after commit
    assert (first.state, first.progress, len(first.content_hash)) == ("queued", 0, 64)
    # and another edition or language is another dossier
    other, created = services.dossier_request(case=popova, edition="public", language="en", enqueue=False)
    assert created and other.pk != first.pk


def test_rendering_stores_the_pdf_and_a_changed_case_renders_again(popova):
    # given a rendered dossier
    dossier, _ = services.dossier_request(case=popova, edition="public", language="en", enqueue=False)
    dossier = services.dossier_render(dossier_id=dossier.pk)
    assert (dossier.state, dossier.progress, dossier.error) == ("ready", 100, "")
    document = dossier.document
    assert document.kind == "dossier" and document.is_public
    assert document.original_name == "popova-v-moscow-dossier-public-en.pdf"
    with document.file.open("rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == document.sha256
    # when nothing changed, the same PDF comes back at once
    again, created = services.dossier_request(case=popova, edition="public", language="en", enqueue=False)
    assert (again.pk, created, again.document_id) == (dossier.pk, False, document.pk)
    # and a second run of the render is a no-op
    assert services.dossier_render(dossier_id=dossier.pk).document_id == document.pk
    # when the case changes, a new dossier is made from the new data
    case_actions.case_update(case=popova, summary="A new summary.")
    changed, created = services.dossier_request(case=popova, edition="public", language="en", enqueue=False)
    assert created and changed.content_hash != dossier.content_hash
    # but a private note changes nothing in the public edition
    case_actions.case_update(case=popova, notes="Only for us.")
    same, created = services.dossier_request(case=popova, edition="public", language="en", enqueue=False)
    assert (same.pk, created) == (changed.pk, False)


def test_invalid_edition_or_language_is_refused_with_field_messages(popova):
    with pytest.raises(ValidationError) as error:
        services.dossier_request(case=popova, edition="secret", language="de", enqueue=False)

    assert error.value.message_dict == {
        "edition": ["Choose one of: internal, public."],
        "language": ["Choose one of: ru, en."],
    }
    assert Dossier.objects.count() == 0


def test_a_render_past_the_soft_time_limit_fails_with_a_sentence(popova, monkeypatch):
    dossier, _ = services.dossier_request(case=popova, edition="internal", language="en", enqueue=False)

    def too_slow(*args, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(services, "dossier_pdf", too_slow)
    dossier = services.dossier_render(dossier_id=dossier.pk)

    assert (dossier.state, dossier.error) == ("failed", "The render took longer than 120 seconds and was stopped.")
    assert dossier.document is None
    # a failed dossier is not served again: the next request queues a new one
    retry, created = services.dossier_request(case=popova, edition="internal", language="en", enqueue=False)
    assert created and retry.pk != dossier.pk


def test_a_render_past_the_memory_budget_fails_and_the_limit_is_lifted_afterwards(db, settings):
    import resource

    # given a case whose text alone needs more memory than the budget (1 MB): each copy of it
    # is a fresh 8 MB mapping, which a warm process cannot have lying around
    settings.DOSSIER_MEMORY_LIMIT_MB = 1
    case = CaseFactory(summary="surveillance " * 700_000)
    dossier, _ = services.dossier_request(case=case, edition="internal", language="en", enqueue=False)
    before = resource.getrlimit(resource.RLIMIT_AS)

    with memory_budget(1):
        dossier = services.dossier_render(dossier_id=dossier.pk)

    assert (dossier.state, dossier.error) == ("failed", "The render needed more than 1 MB of memory and was stopped.")
    assert resource.getrlimit(resource.RLIMIT_AS) == before


class JumpyStorage(FileSystemStorage):
    """A storage that reads the upload out of order (as a multipart uploader may): the hash
    taken while it reads would be wrong, so the stored copy is hashed instead."""

    def _save(self, name, content):
        head = content.read(4)
        content.seek(2)
        rest = content.read()
        return super()._save(name, ContentFile(head[:2] + rest))


def test_document_add_hashes_the_stored_copy_when_the_storage_reads_out_of_order(db, settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.JumpyStorage"}}
    data = b"0123456789" * 1000

    document = services.document_add(case=CaseFactory(), title="Claim", file=io.BytesIO(data), filename="c.txt")

    assert (document.sha256, document.size) == (hashlib.sha256(data).hexdigest(), len(data))
    with document.file.open("rb") as stored:
        assert stored.read() == data
