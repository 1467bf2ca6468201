"""What the file commands (storage_copy, backup, restore) and the downloads share: walking a
Django storage, hashing a stored file as it streams, and reading an S3 object without first
copying it whole.

Everything goes through Django's Storage API (`default_storage` or a file field's storage), so
the same code serves the local folder and an S3 bucket; nothing here builds a local path."""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Iterator
from typing import IO

from django.core.files.storage import FileSystemStorage, Storage

CHUNK = 1024 * 1024


def storage_is_s3(storage: Storage) -> bool:
    return hasattr(storage, "bucket") and hasattr(storage, "_normalize_name")


def storage_description(storage: Storage) -> str:
    """Which storage, in the operator's words: "bucket NAME" or "folder PATH"."""
    if storage_is_s3(storage):
        return f"bucket {storage.bucket_name}"  # type: ignore[attr-defined]
    return f"folder {storage.location}"  # type: ignore[attr-defined]


def storage_walk(storage: Storage, folder: str = "") -> Iterator[str]:
    """The name of every file in the storage (as a file field stores it), folder by folder, sorted."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a filesystem storage whose folder was never made
        return
    for name in sorted(files):
        yield posixpath.join(folder, name) if folder else name
    for sub in sorted(folders):
        yield from storage_walk(storage, posixpath.join(folder, sub) if folder else sub)


def storage_chunks(storage: Storage, name: str, chunk_size: int = CHUNK) -> Iterator[bytes]:
    """The stored file's bytes in chunks. An S3 object is streamed from its GET response (the
    storage's own file object would first download it whole into a temporary file)."""
    if storage_is_s3(storage):
        from botocore.exceptions import ClientError

        key = storage._normalize_name(name)  # type: ignore[attr-defined]
        try:
            body = storage.bucket.Object(key).get()["Body"]  # type: ignore[attr-defined]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise FileNotFoundError(f"{name} is not in the bucket") from exc
            raise
        try:
            yield from body.iter_chunks(chunk_size)
        finally:
            body.close()
        return
    with storage.open(name, "rb") as stored:
        while chunk := stored.read(chunk_size):
            yield chunk


def storage_sha256(storage: Storage, name: str) -> tuple[str, int]:
    """(SHA-256 hex, size in bytes) of a stored file, read as it streams."""
    digest = hashlib.sha256()
    size = 0
    for chunk in storage_chunks(storage, name):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def file_sha256(file: IO[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    while chunk := file.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def filesystem_storage(location: str) -> FileSystemStorage:
    # allow_overwrite: a copy or a restore writes each file at exactly its recorded name.
    return FileSystemStorage(location=location, allow_overwrite=True)


def s3_storage_from_settings() -> Storage:
    """The bucket the AWS_* settings name, whichever storage is the default today."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    if not settings.AWS_STORAGE_BUCKET_NAME:
        raise ImproperlyConfigured(
            "AWS_STORAGE_BUCKET_NAME is not set: set it (and AWS_S3_ENDPOINT_URL, AWS_ACCESS_KEY_ID, "
            "AWS_SECRET_ACCESS_KEY, AWS_S3_REGION_NAME as your provider needs) to name the bucket."
        )
    from storages.backends.s3 import S3Storage

    return S3Storage(file_overwrite=True)
