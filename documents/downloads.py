"""A document's file, as an HTTP response, for a reader the caller has already checked.

Downloads are streamed through the app, from the local folder or from the S3 bucket alike,
rather than redirected to short-lived presigned bucket URLs:
- the permission check and the download are one request: there is no URL that, copied into a
  chat or a browser history, still opens a private exhibit for its lifetime;
- the bucket never needs to be reachable from users' networks (a MinIO on the private network
  is enough), and the page's Content-Security-Policy need not name the bucket's host;
- the response keeps the app's headers (X-Content-SHA256, Cache-Control, the original file
  name) whatever the storage.
The cost is that bytes pass through a web process; documents here are court papers and
dossiers (megabytes, not gigabytes), and the body is streamed in 1 MB chunks, never held whole.
"""

from __future__ import annotations

import logging

from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from accesslog.models import AccessRecord
from accesslog.services import AccessEntry, access_log_record
from documents.models import Document
from documents.selectors import document_is_public
from tracker.storage import storage_chunks, storage_is_s3

logger = logging.getLogger(__name__)


def document_file_response(document: Document, *, as_attachment: bool = True) -> StreamingHttpResponse:
    """Stream the document's file. Raises FileNotFoundError (before any byte is sent) when the
    storage has no such file."""
    storage = document.file.storage
    response: StreamingHttpResponse
    content_type = document.content_type or "application/octet-stream"
    if storage_is_s3(storage):
        chunks = storage_chunks(storage, document.file.name)
        first = next(chunks, b"")  # the GET happens now: a missing object fails here, as a 404, not mid-stream

        def body():  # type: ignore[no-untyped-def]
            yield first
            yield from chunks

        response = StreamingHttpResponse(body(), content_type=content_type)
    else:
        # A local file: FileResponse lets the server use sendfile (wsgi.file_wrapper).
        response = FileResponse(storage.open(document.file.name, "rb"), content_type=content_type)
    response["Content-Length"] = str(document.size)
    filename = document.original_name or document.file.name.rsplit("/", 1)[-1]
    response["Content-Disposition"] = content_disposition_header(as_attachment, filename) or "attachment"
    # Lets a client verify what it received (RFC 9530's Repr-Digest carries SHA-256).
    response["X-Content-SHA256"] = document.sha256
    response["Cache-Control"] = "private, no-store" if not document.is_public else "public, max-age=3600"
    return response


def document_file_or_404(document: Document) -> StreamingHttpResponse:
    """The download, or a 404 with a sentence when the storage has lost the file (logged: it
    means a storage misconfiguration, e.g. a host not pointed at the shared bucket)."""
    try:
        return document_file_response(document)
    except FileNotFoundError:
        logger.error("document %s: its file %s is missing from the storage", document.pk, document.file.name)
        raise Http404(_("The file of this document is missing from the storage.")) from None


def document_download_record(request: object, document: Document, *, channel: str) -> None:
    """A private document or dossier handed to a reader: on record (a public one is not)."""
    if document_is_public(document):
        return
    kind = AccessRecord.Kind.DOSSIER if document.kind == Document.Kind.DOSSIER else AccessRecord.Kind.DOCUMENT
    entry = AccessEntry(kind, document.case.organization_id, document.case_id, document.pk)
    access_log_record(request=request, channel=channel, entries=[entry])
